/* Version 1 of a tiny C ABI shaped like socle's: an opaque handle and a public struct. */
#ifndef GATE_H_
#define GATE_H_
#include <stddef.h>
#include <stdint.h>

typedef struct gate_handle gate_handle;
typedef struct gate_buffer {
  uint8_t* data;
  size_t size;
} gate_buffer;

__attribute__((visibility("default"))) int32_t gate_handle_new(gate_handle** out);
__attribute__((visibility("default"))) void gate_handle_free(gate_handle* handle);
__attribute__((visibility("default"))) void gate_buffer_free(gate_buffer* buffer);
#endif
