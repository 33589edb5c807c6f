<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * A share under professional secrecy (socle_share_request): who shares with whom, whose data, on
 * which basis (Native::SOCLE_SHARING_BASIS_*), for which purpose (an activity id), under which
 * share id (unique for the person), which items, and the person's involvement
 * (Native::SOCLE_PERSON_INVOLVEMENT_*; NOT_INFORMED needs $involvementReason). Pass it to
 * AccessEngine::checkShare() or AccessTrail::share().
 */
final class ShareRequest
{
    /**
     * @param list<array{0: string, 1: string, 2?: string}> $items [item id, category id,
     *        optionally the 32-byte SHA-256 of the content shared]
     */
    public function __construct(
        public string $emitter,
        public string $recipient,
        public string $person,
        public int $basis,
        public string $purpose,
        public string $share,
        public array $items = [],
        public int $involvement = Native::SOCLE_PERSON_INVOLVEMENT_INFORMED_BEFOREHAND,
        public string $involvementReason = '',
        public bool $wholeFile = false,
        public int $timeUnixSeconds = 0       // 0: now by the engine's clock
    ) {
    }

    /** @internal A socle_share_request* filled from this request; free it with free(). */
    public function toC(): CData
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_share_request*');
        $error = Library::newError();
        Library::check($ffi->socle_share_request_new(FFI::addr($out), FFI::addr($error)), $error);
        try {
            $call = static function (int $status) use ($error): void {
                Library::check($status, $error);
            };
            $call($ffi->socle_share_request_set_parties($out, $this->emitter,
                strlen($this->emitter), $this->recipient, strlen($this->recipient),
                $this->person, strlen($this->person), FFI::addr($error)));
            $call($ffi->socle_share_request_set_basis($out, $this->basis, FFI::addr($error)));
            $call($ffi->socle_share_request_set_purpose($out, $this->purpose,
                strlen($this->purpose), FFI::addr($error)));
            $call($ffi->socle_share_request_set_share($out, $this->share, strlen($this->share),
                FFI::addr($error)));
            foreach ($this->items as $item) {
                [$id, $category] = $item;
                $hash = $item[2] ?? '';
                $call($ffi->socle_share_request_add_item($out, $id, strlen($id), $category,
                    strlen($category), $hash === '' ? null : Library::bytes($hash),
                    strlen($hash), FFI::addr($error)));
            }
            $call($ffi->socle_share_request_set_whole_file($out, $this->wholeFile ? 1 : 0,
                FFI::addr($error)));
            $call($ffi->socle_share_request_set_involvement($out, $this->involvement,
                $this->involvementReason, strlen($this->involvementReason), FFI::addr($error)));
            $call($ffi->socle_share_request_set_time_unix_seconds($out, $this->timeUnixSeconds,
                FFI::addr($error)));
        } catch (\Throwable $e) {
            $ffi->socle_share_request_free($out);
            throw $e;
        }
        return $out;
    }
}
