"""The shared harness of the CLI's end-to-end tests (consent_test.py, rights_test.py, …): each
socle command a new process over one storage directory in a temporary working directory, failures
collected and counted, error messages checked for person ids.

    harness = cli_harness.Harness("a passphrase", person_ids=(...))
    check, run, no_person_id = harness.check, harness.run, harness.no_person_id
    with harness.workdir("socle-x-test-"):
        harness.init_keys(socle)
        socle_run = harness.engine_runner(socle, ["--storage", "ccas", ...])
        code, out, err = socle_run(["rights", "list"], "--all")
    return harness.finish()
"""
import contextlib
import os
import shutil
import subprocess
import tempfile


class Harness:
    def __init__(self, passphrase, person_ids=()):
        self.passphrase = passphrase
        self.person_ids = tuple(person_ids)
        self.failures = []

    def check(self, condition, what):
        if not condition:
            self.failures.append(what)
            print("FAIL " + what)

    def run(self, argv, env_pass=None, no_passphrase=False):
        """Runs argv with SOCLE_PASSPHRASE set to env_pass (default: the harness's passphrase;
        none at all with no_passphrase); returns (exit code, stdout, stderr)."""
        env = dict(os.environ)
        env.pop("SOCLE_PASSPHRASE", None)
        if not no_passphrase:
            env["SOCLE_PASSPHRASE"] = self.passphrase if env_pass is None else env_pass
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, env=env,
                              timeout=120)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()

    def no_person_id(self, err, what):
        for person in self.person_ids:
            self.check(person not in err, "%s: the error names a person: %s" % (what, err))

    def engine_runner(self, socle, engine_options):
        """socle_run(words, *args): runs `socle WORDS ENGINE_OPTIONS ARGS`."""
        def socle_run(words, *args):
            return self.run([socle] + list(words) + list(engine_options) + list(args))
        return socle_run

    def init_keys(self, socle, storage="ccas", key_file="k.key"):
        code, _, err = self.run([socle, "keys", "init", "--key-file", key_file, "--storage",
                                 storage, "--kdf", "interactive"])
        self.check(code == 0, "keys init: %d %s" % (code, err))

    @contextlib.contextmanager
    def workdir(self, prefix):
        work = tempfile.mkdtemp(prefix=prefix)
        try:
            os.chdir(work)
            yield work
        finally:
            os.chdir("/")
            shutil.rmtree(work, ignore_errors=True)

    def finish(self):
        if self.failures:
            print("%d failure(s)" % len(self.failures))
            return 1
        print("ok")
        return 0
