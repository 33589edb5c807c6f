# java.install: what a Java vendor does with a socle release. `cmake --install` into a fresh
# prefix, then a program outside the source tree is compiled against the installed
# share/java/socle.jar and run with -Djna.library.path=<prefix>/lib: it loads the installed
# example policy, and a policy error carries its line.
foreach(var BUILD_DIR STAGE WORK JAVAC JAVA JNA_JAR LIBDIR DATADIR VERSION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "java.install: ${var} is not set")
  endif()
endforeach()

function(run what)
  execute_process(${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${STAGE}" "${WORK}")
file(MAKE_DIRECTORY "${WORK}/classes")
run("cmake --install" COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${STAGE}")
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
run("javac" COMMAND ${JAVAC} -cp "${jar}:${JNA_JAR}" -d "${WORK}/classes" "${WORK}/Example.java")
run("java" COMMAND ${CMAKE_COMMAND} -E env --unset=SOCLE_LIBRARY --unset=LD_LIBRARY_PATH
  ${JAVA} -Djna.library.path=${STAGE}/${LIBDIR} -cp "${WORK}/classes:${jar}:${JNA_JAR}" Example
  "${STAGE}/${DATADIR}/socle/examples/policies/ccas.textproto")
if(NOT output MATCHES "version=${VERSION} policy=[^\n]+\nstatus=PARSE line=3\n")
  message(FATAL_ERROR "unexpected output of the installed-jar program:\n${output}")
endif()
message(STATUS "java.install: ${output}")
