/* Uses socle's C ABI the way a vendor's C program would: initialise, check that the library
 * loaded is the one the header describes, load a policy file and print its digest.
 * Usage: test_package_c POLICY.textproto */
#include <stdio.h>

#include <socle/socle.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s POLICY.textproto\n", argv[0]);
    return 2;
  }

  int32_t status = socle_init();
  if (status != SOCLE_OK) {
    fprintf(stderr, "socle_init: %s\n", socle_status_name(status));
    return 1;
  }
  printf("socle: %s\n", socle_version_string());
  if (socle_version_number() != SOCLE_VERSION_NUMBER) {
    fprintf(stderr, "header is version %d but the library loaded is %s\n", SOCLE_VERSION_NUMBER,
            socle_version_string());
    return 1;
  }

  socle_policy* policy = NULL;
  socle_error* error = NULL;
  status = socle_policy_load_file(argv[1], &policy, &error);
  if (status != SOCLE_OK) {
    fprintf(stderr, "%s: %s: %s\n", argv[1], socle_status_name(status),
            error != NULL ? socle_error_message(error) : "(no detail)");
    for (size_t i = 0; error != NULL && i < socle_error_diagnostic_count(error); ++i) {
      fprintf(stderr, "  %d:%d: %s\n", socle_error_diagnostic_line(error, i),
              socle_error_diagnostic_column(error, i), socle_error_diagnostic_message(error, i));
    }
    socle_error_free(error);
    return 1;
  }
  printf("policy: %s\n", socle_policy_id(policy));
  printf("digest: %s\n", socle_policy_digest_hex(policy));
  socle_policy_free(policy);
  return 0;
}
