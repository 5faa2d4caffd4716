#include "profile_report.h"

#include <stdlib.h>

int mr_profile_check(const mr_model_api *api, const mocc_model *model,
                     const char *path, mr_error *error) {
  if (!api->num_profiled_kernels || !api->num_profiled_kernels(model))
    return mr_fail(error,
                   "--profile: '%s' times no kernel (compile it with mocc "
                   "--profile)",
                   path);
  return 0;
}

static int by_time_descending(const void *a, const void *b) {
  int64_t x = ((const mocc_kernel_profile *)a)->total_ns;
  int64_t y = ((const mocc_kernel_profile *)b)->total_ns;
  return (x < y) - (x > y);
}

int mr_profile_print(const mr_model_api *api, const mocc_model *model,
                     FILE *out, mr_error *error) {
  size_t count = api->num_profiled_kernels(model);
  int64_t runs, run_ns;
  if (mr_check_status(api, api->profile_totals(model, &runs, &run_ns), error))
    return -1;
  mocc_kernel_profile *rows = calloc(count, sizeof(*rows));
  if (!rows)
    return mr_fail(error, "out of memory");
  int64_t kernel_ns = 0;
  for (size_t i = 0; i < count; ++i) {
    if (mr_check_status(api, api->kernel_profile(model, i, &rows[i]),
                        error)) {
      free(rows);
      return -1;
    }
    kernel_ns += rows[i].total_ns;
  }
  qsort(rows, count, sizeof(*rows), by_time_descending);
  double per_run = runs ? 1e-6 / (double)runs : 0;
  fprintf(out,
          "profile: %lld runs, %.3f ms per run, %zu kernels (%.1f%% of the "
          "time)\n",
          (long long)runs, (double)run_ns * per_run, count,
          run_ns ? 100.0 * (double)kernel_ns / (double)run_ns : 0.0);
  fprintf(out, "%10s %6s %6s %8s  %s\n", "ms/run", "%", "calls", "GFLOP/s",
          "kernel (ONNX nodes)");
  for (size_t i = 0; i < count; ++i) {
    const mocc_kernel_profile *p = &rows[i];
    char rate[32] = "";
    if (p->flops && p->total_ns)
      snprintf(rate, sizeof(rate), "%.2f",
               (double)p->flops * (double)p->calls / (double)p->total_ns);
    fprintf(out, "%10.3f %5.1f%% %6lld %8s  %s\n",
            (double)p->total_ns * per_run,
            run_ns ? 100.0 * (double)p->total_ns / (double)run_ns : 0.0,
            (long long)p->calls, rate, p->name);
  }
  free(rows);
  return 0;
}

/* `text` as the body of a JSON string. */
static void write_json_string(FILE *out, const char *text) {
  for (const unsigned char *c = (const unsigned char *)text; *c; ++c) {
    if (*c == '"' || *c == '\\')
      fprintf(out, "\\%c", *c);
    else if (*c < 0x20)
      fprintf(out, "\\u%04x", *c);
    else
      fputc(*c, out);
  }
}

int mr_profile_write_trace(const mr_model_api *api, const mocc_model *model,
                           const char *path, mr_error *error) {
  FILE *out = fopen(path, "w");
  if (!out)
    return mr_fail(error, "cannot write '%s'", path);
  fputs("{\"displayTimeUnit\": \"ms\", \"traceEvents\": [", out);
  size_t count = api->num_profile_events(model);
  int failed = 0;
  for (size_t i = 0; i < count && !failed; ++i) {
    mocc_profile_event event;
    mocc_kernel_profile kernel;
    failed =
        mr_check_status(api, api->profile_event(model, i, &event), error) ||
        mr_check_status(api, api->kernel_profile(model, event.kernel, &kernel),
                        error);
    if (failed)
      break;
    fprintf(out, "%s\n {\"name\": \"", i ? "," : "");
    write_json_string(out, kernel.name);
    fprintf(out,
            "\", \"cat\": \"kernel\", \"ph\": \"X\", \"pid\": 1, \"tid\": 1, "
            "\"ts\": %.3f, \"dur\": %.3f, \"args\": {\"kernel\": %u, "
            "\"flops\": %lld}}",
            (double)event.start_ns * 1e-3, (double)event.duration_ns * 1e-3,
            (unsigned)event.kernel, (long long)kernel.flops);
  }
  fputs("\n]}\n", out);
  if (fclose(out) && !failed)
    failed = mr_fail(error, "cannot write '%s'", path);
  return failed ? -1 : 0;
}
