package fr.socle;

/**
 * A mandate just created (AccessEngine.createMandate): the state revision, the SHA-256 of its
 * attestation (32 bytes, to print on it; socle/mandate.hpp gives the encoding) and its expiry.
 */
public record MandateCreated(long revision, byte[] attestationSha256,
        long expiresAtUnixSeconds) {}
