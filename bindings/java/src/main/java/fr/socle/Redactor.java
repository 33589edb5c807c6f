package fr.socle;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redacts free text: the identities the case file knows, then NIRs, phone numbers, e-mails,
 * IBANs and birth dates found by their shape. Immutable, thread-safe.
 */
public final class Redactor extends Handle {
    /** One known identity: kind (SOCLE_IDENTITY_*), person number, value. */
    public record Identity(int kind, int person, String value) {}

    /** A redacted text and how many placeholders of each type it holds ("PERSONNE" -> 2…). */
    public record Redaction(String text, Map<String, Long> counts) {
        @Override
        public String toString() {
            return text;
        }
    }

    private Redactor(Pointer pointer) {
        super(pointer, p -> Socle.lib().socle_redactor_free(p));
    }

    public static Redactor create(List<Identity> identities) {
        List<String> values = new ArrayList<>();
        for (Identity i : identities) {
            values.add(i.value());
        }
        Socle.Strings packed = Socle.Strings.of(values);
        SocleLibrary.KnownIdentity[] c = null;
        if (!identities.isEmpty()) {
            c = (SocleLibrary.KnownIdentity[]) new SocleLibrary.KnownIdentity()
                    .toArray(identities.size());
            for (int i = 0; i < identities.size(); i++) {
                c[i].kind = identities.get(i).kind();
                c[i].person = identities.get(i).person();
                c[i].value = packed.at(i);
                c[i].value_len = Socle.size(packed.lens[i]);
                c[i].write();
            }
        }
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_redactor_create(c == null ? null : c[0],
                Socle.size(identities.size()), null, out, error), error);
        return new Redactor(out.getValue());
    }

    /** From the text format of `socle redact --known` (docs/redaction.md). */
    public static Redactor fromText(String known) {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_redactor_create_from_text(known,
                Socle.size(Socle.utf8Length(known)), null, out, error), error);
        return new Redactor(out.getValue());
    }

    public Redaction redact(String text) {
        int n = SocleLibrary.SOCLE_REDACTION_TYPE_COUNT;
        long[] counts = new long[n];
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_redactor_redact(pointer(), text,
                Socle.size(Socle.utf8Length(text)), out, counts, Socle.size(n), error), error);
        Map<String, Long> byType = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            byType.put(Socle.lib().socle_redaction_type_name(i), counts[i]);
        }
        return new Redaction(new String(Socle.take(out), StandardCharsets.UTF_8), byType);
    }
}
