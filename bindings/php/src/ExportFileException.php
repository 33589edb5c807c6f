<?php

declare(strict_types=1);

namespace Socle;

/**
 * An export file refused by the reader: besides the status code (SOCLE_E_VERIFICATION_FAILED for
 * an altered file, SOCLE_E_DATA_LOSS for a truncated one…), why (problem(), a
 * Native::SOCLE_EXPORT_PROBLEM_* constant, and problemName(), "altered") and where (offset(), the
 * byte where it was found).
 */
final class ExportFileException extends SocleException
{
    public function __construct(int $status, string $statusName, string $message,
                                private readonly int $problem, private readonly int $offset)
    {
        parent::__construct($status, $statusName, $message);
    }

    /** Native::SOCLE_EXPORT_PROBLEM_*. */
    public function problem(): int
    {
        return $this->problem;
    }

    /** "truncated", "altered"… */
    public function problemName(): string
    {
        return Library::string(Library::ffi()->socle_export_problem_name($this->problem));
    }

    /** The byte of the file where the problem was found. */
    public function offset(): int
    {
        return $this->offset;
    }
}
