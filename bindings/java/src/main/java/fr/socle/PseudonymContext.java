package fr.socle;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The pseudonyms of one export to one domain (Pseudonymizer.context). Immutable. */
public final class PseudonymContext extends Handle {
    PseudonymContext(Pointer pointer) {
        super(pointer, p -> Socle.lib().socle_pseudonym_context_free(p));
    }

    /** The text form (27 characters) of the pseudonym of `id`. */
    public String compute(String id) {
        return new String(compute(id.getBytes(StandardCharsets.UTF_8), false),
                StandardCharsets.US_ASCII);
    }

    /** The pseudonym of `id`: its text form, or its 16 bytes with `binary`. */
    public byte[] compute(byte[] id, boolean binary) {
        int size = binary ? SocleLibrary.SOCLE_PSEUDONYM_BYTES
                : SocleLibrary.SOCLE_PSEUDONYM_TEXT_LEN;
        byte[] out = new byte[size];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_pseudonym_context_compute(pointer(), id,
                Socle.size(id.length), binary ? SocleLibrary.SOCLE_PSEUDONYM_FORMAT_BINARY
                        : SocleLibrary.SOCLE_PSEUDONYM_FORMAT_TEXT, out, Socle.size(size), error),
                error);
        return out;
    }

    /** The text forms of the pseudonyms of many identifiers, in one call. */
    public List<String> computeMany(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Socle.Strings packed = Socle.Strings.of(ids);
        int size = SocleLibrary.SOCLE_PSEUDONYM_TEXT_LEN;
        byte[] all = new byte[(int) packed.block.size()];
        packed.block.read(0, all, 0, all.length);
        byte[] out = new byte[ids.size() * size];
        PointerByReference error = new PointerByReference();
        Socle.check(Socle.lib().socle_pseudonym_context_compute_batch(pointer(), all,
                packed.lengths, Socle.size(ids.size()), SocleLibrary.SOCLE_PSEUDONYM_FORMAT_TEXT,
                out, Socle.size(out.length), error), error);
        List<String> pseudonyms = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            pseudonyms.add(new String(out, i * size, size, StandardCharsets.US_ASCII));
        }
        return pseudonyms;
    }
}
