package fr.socle;

import fr.socle.jna.SocleLibrary;

/** The answer to an AccessRequest. */
public record Decision(int effect, int reason, int rule, int obligations, long revision) {
    static Decision of(SocleLibrary.Decision d) {
        return new Decision(d.effect, d.reason, d.rule, d.obligations, d.revision);
    }

    public boolean allowed() {
        return effect == SocleLibrary.SOCLE_EFFECT_ALLOW;
    }

    /** The stable name of the reason ("role_does_not_allow"). */
    public String reasonName() {
        return Socle.lib().socle_reason_name(reason);
    }
}
