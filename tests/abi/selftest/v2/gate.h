/* Version 2 breaks the ABI the quiet way: a field inserted in the middle of a public struct. */
#ifndef GATE_H_
#define GATE_H_
#include <stddef.h>
#include <stdint.h>

typedef struct gate_handle gate_handle;
typedef struct gate_buffer {
  uint8_t* data;
  int32_t flags;
  size_t size;
} gate_buffer;

__attribute__((visibility("default"))) int32_t gate_handle_new(gate_handle** out);
__attribute__((visibility("default"))) void gate_handle_free(gate_handle* handle);
__attribute__((visibility("default"))) void gate_buffer_free(gate_buffer* buffer);
#endif
