/* The implementation of the tiny ABI. GATE_OPAQUE_GROWS changes the layout of the opaque handle,
 * which callers never see: the gate must accept that. */
#include <stdlib.h>

#include "gate.h"

struct gate_handle {
#ifdef GATE_OPAQUE_GROWS
  int64_t added_first;
#endif
  int32_t value;
};

int32_t gate_handle_new(gate_handle** out) {
  *out = calloc(1, sizeof(gate_handle));
  return *out == NULL;
}

void gate_handle_free(gate_handle* handle) { free(handle); }

void gate_buffer_free(gate_buffer* buffer) {
  free(buffer->data);
  buffer->data = NULL;
  buffer->size = 0;
}
