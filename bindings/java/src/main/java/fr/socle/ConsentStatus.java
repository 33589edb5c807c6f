package fr.socle;

import fr.socle.jna.SocleLibrary;

/**
 * Whether a consent is valid ({@link AccessEngine#consentStatus}): its state
 * (SOCLE_CONSENT_STATE_*) and the revision of the consent the answer rests on (0 when none was
 * given).
 */
public record ConsentStatus(int state, long revision) {
    public boolean valid() {
        return state == SocleLibrary.SOCLE_CONSENT_STATE_VALID;
    }

    /** The stable name of the state ("valid", "incomplete_for_minor"…). */
    public String name() {
        return Socle.lib().socle_consent_state_name(state);
    }
}
