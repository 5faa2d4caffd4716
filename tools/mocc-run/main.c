/* mocc-run: loads a model library built by mocc, feeds it .pb/.npy inputs,
 * and writes, compares, prints or times its outputs. */
#include "driver.h"
#include "options.h"

#include <stdio.h>

int main(int argc, char **argv) {
  mr_options options;
  mr_error error;
  int result = mr_options_parse(argc, argv, &options, &error);
  if (!result && options.help)
    mr_print_usage(stdout);
  else if (!result)
    result = mr_driver_run(&options, &error);
  mr_options_free(&options);
  if (result < 0)
    fprintf(stderr, "mocc-run: error: %s\n", error.message);
  return result < 0 ? 2 : result;
}
