package fr.socle;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.util.List;

/**
 * What a consent records (socle_consent_spec; socle::ConsentSpec): ONE purpose (an activity of
 * the policy), one scope (SOCLE_CONSENT_SCOPE_*), who gave it (the person and/or representatives
 * in force on the day; under 15, the person and every holder of parental authority), the
 * information text shown (its version and its 32-byte SHA-256), the channel
 * (SOCLE_CONSENT_CHANNEL_*) and the evidence. The with* methods return modified copies; give it
 * to {@link AccessEngine#giveConsent}. {@code expiresAt} 0: until withdrawn; {@code categories}
 * empty: the purpose's. SHARING consents name who may receive and what the person was shown.
 * {@code noticeLanguage}: the BCP 47 tag of the notice shown ("fr" from {@link #of}).
 */
public record ConsentSpec(String person, String purpose, List<String> givenBy,
        String informationVersion, byte[] informationSha256, String recordedBy, int scope,
        int channel, String evidenceReference, long expiresAt, List<String> categories,
        List<String> recipients, List<String> recipientRoles, String supports,
        String securityMeasures, String noticeLanguage) {

    /** A PROCESSING consent given in person, with no expiry, covering the purpose's categories. */
    public static ConsentSpec of(String person, String purpose, List<String> givenBy,
            String informationVersion, byte[] informationSha256, String recordedBy) {
        return new ConsentSpec(person, purpose, List.copyOf(givenBy), informationVersion,
                informationSha256.clone(), recordedBy,
                SocleLibrary.SOCLE_CONSENT_SCOPE_PROCESSING,
                SocleLibrary.SOCLE_CONSENT_CHANNEL_IN_PERSON, "", 0, List.of(), List.of(),
                List.of(), "", "", "fr");
    }

    public ConsentSpec withPurpose(String value) {
        return new ConsentSpec(person, value, givenBy, informationVersion, informationSha256,
                recordedBy, scope, channel, evidenceReference, expiresAt, categories, recipients,
                recipientRoles, supports, securityMeasures, noticeLanguage);
    }

    public ConsentSpec withGivenBy(List<String> value) {
        return new ConsentSpec(person, purpose, List.copyOf(value), informationVersion,
                informationSha256, recordedBy, scope, channel, evidenceReference, expiresAt,
                categories, recipients, recipientRoles, supports, securityMeasures, noticeLanguage);
    }

    public ConsentSpec withInformation(String version, byte[] sha256) {
        return new ConsentSpec(person, purpose, givenBy, version, sha256.clone(), recordedBy,
                scope, channel, evidenceReference, expiresAt, categories, recipients,
                recipientRoles, supports, securityMeasures, noticeLanguage);
    }

    public ConsentSpec withScope(int value) {
        return new ConsentSpec(person, purpose, givenBy, informationVersion, informationSha256,
                recordedBy, value, channel, evidenceReference, expiresAt, categories, recipients,
                recipientRoles, supports, securityMeasures, noticeLanguage);
    }

    /** The channel (SOCLE_CONSENT_CHANNEL_*) and where the evidence is kept. */
    public ConsentSpec withChannel(int value, String evidence) {
        return new ConsentSpec(person, purpose, givenBy, informationVersion, informationSha256,
                recordedBy, scope, value, evidence, expiresAt, categories, recipients,
                recipientRoles, supports, securityMeasures, noticeLanguage);
    }

    public ConsentSpec withExpiresAt(long unixSeconds) {
        return new ConsentSpec(person, purpose, givenBy, informationVersion, informationSha256,
                recordedBy, scope, channel, evidenceReference, unixSeconds, categories,
                recipients, recipientRoles, supports, securityMeasures, noticeLanguage);
    }

    public ConsentSpec withCategories(List<String> value) {
        return new ConsentSpec(person, purpose, givenBy, informationVersion, informationSha256,
                recordedBy, scope, channel, evidenceReference, expiresAt, List.copyOf(value),
                recipients, recipientRoles, supports, securityMeasures, noticeLanguage);
    }

    /** SHARING: who may receive, and what the person was shown of supports and security. */
    public ConsentSpec withSharing(List<String> recipientIds, List<String> roles,
            String supportsShown, String securityShown) {
        return new ConsentSpec(person, purpose, givenBy, informationVersion, informationSha256,
                recordedBy, SocleLibrary.SOCLE_CONSENT_SCOPE_SHARING, channel, evidenceReference,
                expiresAt, categories, List.copyOf(recipientIds), List.copyOf(roles),
                supportsShown, securityShown, noticeLanguage);
    }

    /** The language of the information notice shown, a BCP 47 tag ("fr" by default). */
    public ConsentSpec withNoticeLanguage(String value) {
        return new ConsentSpec(person, purpose, givenBy, informationVersion, informationSha256,
                recordedBy, scope, channel, evidenceReference, expiresAt, categories, recipients,
                recipientRoles, supports, securityMeasures, value);
    }

    private interface Setter {
        int call(PointerByReference error);
    }

    /** A filled socle_consent_spec, freed by the caller (socle_consent_spec_free). */
    Pointer handle() {
        SocleLibrary lib = Socle.lib();
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(lib.socle_consent_spec_new(out, error), error);
        Pointer spec = out.getValue();
        try {
            set(e -> lib.socle_consent_spec_set_person(spec, person, len(person), e));
            set(e -> lib.socle_consent_spec_set_purpose(spec, purpose, len(purpose), e));
            set(e -> lib.socle_consent_spec_set_scope(spec, scope, e));
            byte[] digest = informationSha256 == null ? new byte[0] : informationSha256;
            set(e -> lib.socle_consent_spec_set_information(spec, informationVersion,
                    len(informationVersion), digest, Socle.size(digest.length), e));
            set(e -> lib.socle_consent_spec_set_channel(spec, channel, e));
            set(e -> lib.socle_consent_spec_set_evidence_reference(spec, evidenceReference,
                    len(evidenceReference), e));
            set(e -> lib.socle_consent_spec_set_notice_language(spec, noticeLanguage,
                    len(noticeLanguage), e));
            set(e -> lib.socle_consent_spec_set_expires_unix_seconds(spec, expiresAt, e));
            set(e -> lib.socle_consent_spec_set_supports(spec, supports, len(supports), e));
            set(e -> lib.socle_consent_spec_set_security_measures(spec, securityMeasures,
                    len(securityMeasures), e));
            set(e -> lib.socle_consent_spec_set_recorded_by(spec, recordedBy, len(recordedBy),
                    e));
            for (String id : givenBy) {
                set(e -> lib.socle_consent_spec_add_given_by(spec, id, len(id), e));
            }
            for (String id : categories) {
                set(e -> lib.socle_consent_spec_add_category(spec, id, len(id), e));
            }
            for (String id : recipients) {
                set(e -> lib.socle_consent_spec_add_recipient(spec, id, len(id), e));
            }
            for (String id : recipientRoles) {
                set(e -> lib.socle_consent_spec_add_recipient_role(spec, id, len(id), e));
            }
        } catch (RuntimeException e) {
            lib.socle_consent_spec_free(spec);
            throw e;
        }
        return spec;
    }

    private static void set(Setter setter) {
        PointerByReference error = new PointerByReference();
        Socle.check(setter.call(error), error);
    }

    private static SocleLibrary.SizeT len(String s) {
        return Socle.size(Socle.utf8Length(s));
    }
}
