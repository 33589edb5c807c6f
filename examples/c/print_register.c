/* A small vendor program: loads a policy and prints its register of processing activities.
 * The README's C example; built and run by the tests (tests/capi), so it stays true.
 * Usage: print_register POLICY_FILE [md|json] */
#include <socle/socle.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s POLICY_FILE [md|json]\n", argv[0]);
    return 2;
  }
  const int32_t format =
      argc > 2 && strcmp(argv[2], "json") == 0 ? SOCLE_REGISTER_JSON : SOCLE_REGISTER_MARKDOWN;
  socle_policy* policy = NULL;
  socle_error* error = NULL;
  if (socle_policy_load_file(argv[1], &policy, &error) != SOCLE_OK) {
    fprintf(stderr, "%s\n", socle_error_message(error));
    for (size_t i = 0; i < socle_error_diagnostic_count(error); ++i)
      fprintf(stderr, "line %d: %s [%s]\n", socle_error_diagnostic_line(error, i),
              socle_error_diagnostic_message(error, i), socle_error_diagnostic_code(error, i));
    socle_error_free(error);
    return 1;
  }
  socle_buffer out = {0};
  int32_t rc = socle_policy_render_register(policy, format, &out, &error);
  if (rc == SOCLE_OK) {
    fwrite(out.data, 1, out.size, stdout);
  } else {
    fprintf(stderr, "%s\n", socle_error_message(error));
    socle_error_free(error);
  }
  socle_buffer_free(&out);
  socle_policy_free(policy);
  return rc == SOCLE_OK ? 0 : 1;
}
