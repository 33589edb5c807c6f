# java.install: what a Java vendor does with a socle release. `cmake --install` into a fresh
# prefix, then a program outside the source tree is compiled against the installed
# share/java/socle.jar and run with -Djna.library.path=<prefix>/lib: it loads the installed
# example policy, and a policy error carries its line.
foreach(var BUILD_DIR STAGE WORK JAVAC JAVA JNA_JAR LIBDIR DATADIR VERSION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "java.install: ${var} is not set")
  endif()
endforeach()

include("${CMAKE_CURRENT_LIST_DIR}/../package/common.cmake")  # socle_run

file(REMOVE_RECURSE "${STAGE}" "${WORK}")
file(MAKE_DIRECTORY "${WORK}/classes")
socle_run("cmake --install" COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${STAGE}" OUTPUT_VARIABLE output)
set(jar "${STAGE}/${DATADIR}/java/socle.jar")
if(NOT EXISTS "${jar}")
  message(FATAL_ERROR "not installed: ${DATADIR}/java/socle.jar")
endif()

file(WRITE "${WORK}/Example.java" [=[
import fr.socle.Policy;
import fr.socle.SocleException;

public class Example {
    public static void main(String[] args) {
        try (Policy policy = Policy.loadFile(args[0])) {
            System.out.println("version=" + fr.socle.Socle.version() + " policy=" + policy.id());
        }
        try {
            Policy.load("format_version: 1\nid: \"x\"\ncolour: 1\n", "bad.textproto");
            System.exit(3);
        } catch (SocleException e) {
            System.out.println("status=" + e.statusName() + " line=" + e.diagnostics().get(0).line());
        }
    }
}
]=])
socle_run("javac" COMMAND ${JAVAC} -cp "${jar}:${JNA_JAR}" -d "${WORK}/classes" "${WORK}/Example.java" OUTPUT_VARIABLE output)
socle_run("java" COMMAND ${CMAKE_COMMAND} -E env --unset=SOCLE_LIBRARY --unset=LD_LIBRARY_PATH
  ${JAVA} -Djna.library.path=${STAGE}/${LIBDIR} -cp "${WORK}/classes:${jar}:${JNA_JAR}" Example
  "${STAGE}/${DATADIR}/socle/examples/policies/ccas.textproto" OUTPUT_VARIABLE output)
if(NOT output MATCHES "version=${VERSION} policy=[^\n]+\nstatus=PARSE line=3\n")
  message(FATAL_ERROR "unexpected output of the installed-jar program:\n${output}")
endif()
message(STATUS "java.install: ${output}")
