<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * What a consent records (socle_consent_spec; socle::ConsentSpec): ONE purpose (an activity of
 * the policy), one scope (Native::SOCLE_CONSENT_SCOPE_*), who gave it (the person and/or
 * representatives in force on the day; under 15, the person and every holder of parental
 * authority), the information text shown (its version and its 32-byte SHA-256), the channel
 * (Native::SOCLE_CONSENT_CHANNEL_*) and the evidence. $expiresAt 0: until withdrawn; $categories
 * empty: the purpose's. SHARING consents name who may receive ($recipients: professionals,
 * $recipientRoles: roles) and what the person was shown ($supports, $securityMeasures).
 * A plain value: give it to AccessEngine::giveConsent().
 */
final class ConsentSpec
{
    /**
     * @param list<string> $givenBy
     * @param list<string> $categories
     * @param list<string> $recipients
     * @param list<string> $recipientRoles
     */
    public function __construct(
        public string $person,
        public string $purpose,
        public array $givenBy,
        public string $informationVersion,
        public string $informationSha256,
        public string $recordedBy,
        public int $scope = Native::SOCLE_CONSENT_SCOPE_PROCESSING,
        public int $channel = Native::SOCLE_CONSENT_CHANNEL_IN_PERSON,
        public string $evidenceReference = '',
        public int $expiresAt = 0,
        public array $categories = [],
        public array $recipients = [],
        public array $recipientRoles = [],
        public string $supports = '',
        public string $securityMeasures = '',
        public string $noticeLanguage = 'fr'
    ) {
    }

    /**
     * A filled socle_consent_spec*, to free with socle_consent_spec_free (the caller does, in a
     * finally block). A refused field throws, naming it.
     *
     * @internal
     */
    public function handle(): CData
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_consent_spec*');
        $error = Library::newError();
        Library::check($ffi->socle_consent_spec_new(FFI::addr($out), FFI::addr($error)), $error);
        try {
            $call = static function (string $function, mixed ...$arguments) use ($ffi, $out): void {
                $error = Library::newError();
                Library::check($ffi->$function($out, ...[...$arguments, FFI::addr($error)]),
                    $error);
            };
            $call('socle_consent_spec_set_person', $this->person, strlen($this->person));
            $call('socle_consent_spec_set_purpose', $this->purpose, strlen($this->purpose));
            $call('socle_consent_spec_set_scope', $this->scope);
            $call('socle_consent_spec_set_information', $this->informationVersion,
                strlen($this->informationVersion), Library::bytes($this->informationSha256),
                strlen($this->informationSha256));
            $call('socle_consent_spec_set_channel', $this->channel);
            $call('socle_consent_spec_set_evidence_reference', $this->evidenceReference,
                strlen($this->evidenceReference));
            $call('socle_consent_spec_set_notice_language', $this->noticeLanguage,
                strlen($this->noticeLanguage));
            $call('socle_consent_spec_set_expires_unix_seconds', $this->expiresAt);
            $call('socle_consent_spec_set_supports', $this->supports, strlen($this->supports));
            $call('socle_consent_spec_set_security_measures', $this->securityMeasures,
                strlen($this->securityMeasures));
            $call('socle_consent_spec_set_recorded_by', $this->recordedBy,
                strlen($this->recordedBy));
            foreach ([
                'socle_consent_spec_add_given_by' => $this->givenBy,
                'socle_consent_spec_add_category' => $this->categories,
                'socle_consent_spec_add_recipient' => $this->recipients,
                'socle_consent_spec_add_recipient_role' => $this->recipientRoles,
            ] as $function => $values) {
                foreach ($values as $value) {
                    $call($function, $value, strlen($value));
                }
            }
        } catch (\Throwable $e) {
            $ffi->socle_consent_spec_free($out);
            throw $e;
        }
        return $out;
    }
}
