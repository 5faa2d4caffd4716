/* nonMaxSuppression: the run-time half of moc.non_max_suppression, whose
 * result length depends on the scores. Generated code calls it through
 * MLIR's C interface with the boxes, the scores and a buffer large enough
 * for every possible selection, and takes the first rows it reports. It
 * follows ONNX's reference: per batch and class, candidates by descending
 * score (ties by index) above the score threshold, each kept unless its
 * intersection over union with a kept box exceeds the IoU threshold. */
#include <stdint.h>

#include "memref.h"
#include "run_failure.h"

/* Element (i, j, k) of a rank-3 f32 memref. */
static float at3(const mocc_memref *m, int64_t i, int64_t j, int64_t k) {
  const int64_t *strides = m->sizes_and_strides + 3;
  return ((const float *)m->aligned)[m->offset + i * strides[0] +
                                     j * strides[1] + k * strides[2]];
}

typedef struct box {
  float x_min, x_max, y_min, y_max;
} box;

static box box_at(const mocc_memref *boxes, int64_t batch, int64_t index,
                  int32_t center_point_box) {
  float a = at3(boxes, batch, index, 0), b = at3(boxes, batch, index, 1);
  float c = at3(boxes, batch, index, 2), d = at3(boxes, batch, index, 3);
  box result;
  if (center_point_box) { /* x_center, y_center, width, height */
    result.x_min = a - c / 2;
    result.x_max = a + c / 2;
    result.y_min = b - d / 2;
    result.y_max = b + d / 2;
  } else { /* y1, x1, y2, x2: any two opposite corners */
    result.x_min = b < d ? b : d;
    result.x_max = b < d ? d : b;
    result.y_min = a < c ? a : c;
    result.y_max = a < c ? c : a;
  }
  return result;
}

static int suppresses(box p, box q, float iou_threshold) {
  float x_min = p.x_min > q.x_min ? p.x_min : q.x_min;
  float x_max = p.x_max < q.x_max ? p.x_max : q.x_max;
  float y_min = p.y_min > q.y_min ? p.y_min : q.y_min;
  float y_max = p.y_max < q.y_max ? p.y_max : q.y_max;
  if (x_max <= x_min || y_max <= y_min)
    return 0;
  float intersection = (x_max - x_min) * (y_max - y_min);
  float area_p = (p.x_max - p.x_min) * (p.y_max - p.y_min);
  float area_q = (q.x_max - q.x_min) * (q.y_max - q.y_min);
  float united = area_p + area_q - intersection;
  if (intersection <= 0 || area_p <= 0 || area_q <= 0 || united <= 0)
    return 0;
  return intersection / united > iou_threshold;
}

int64_t _mlir_ciface_nonMaxSuppression(const mocc_memref *boxes,
                                       const mocc_memref *scores,
                                       mocc_memref *selected,
                                       int64_t max_per_class,
                                       float iou_threshold,
                                       float score_threshold,
                                       int32_t has_score_threshold,
                                       int32_t center_point_box);

int64_t _mlir_ciface_nonMaxSuppression(const mocc_memref *boxes,
                                       const mocc_memref *scores,
                                       mocc_memref *selected,
                                       int64_t max_per_class,
                                       float iou_threshold,
                                       float score_threshold,
                                       int32_t has_score_threshold,
                                       int32_t center_point_box) {
  int64_t batches = scores->sizes_and_strides[0];
  int64_t classes = scores->sizes_and_strides[1];
  int64_t count = scores->sizes_and_strides[2];
  const int64_t *box_sizes = boxes->sizes_and_strides;
  if (box_sizes[0] != batches || box_sizes[1] != count || box_sizes[2] != 4)
    mocc_run_fail("NonMaxSuppression: boxes of shape [%lld, %lld, %lld] do "
                  "not match scores of shape [%lld, %lld, %lld]",
                  (long long)box_sizes[0], (long long)box_sizes[1],
                  (long long)box_sizes[2], (long long)batches,
                  (long long)classes, (long long)count);
  const int64_t *out_strides = selected->sizes_and_strides + 2;
  int64_t *out = (int64_t *)selected->aligned + selected->offset;
  int64_t rows = 0;
  for (int64_t b = 0; b < batches; ++b) {
    for (int64_t c = 0; c < classes; ++c) {
      int64_t first = rows, kept = 0, previous = -1;
      float previous_score = 0;
      while (kept < max_per_class) {
        /* The next candidate: the best (score, -index) below the last. */
        int64_t best = -1;
        float best_score = 0;
        for (int64_t i = 0; i < count; ++i) {
          float s = at3(scores, b, c, i);
          if (has_score_threshold && !(s > score_threshold))
            continue;
          if (previous >= 0 &&
              !(s < previous_score || (s == previous_score && i > previous)))
            continue;
          if (best < 0 || s > best_score)
            best = i, best_score = s;
        }
        if (best < 0)
          break;
        previous = best;
        previous_score = best_score;
        box candidate = box_at(boxes, b, best, center_point_box);
        int suppressed = 0;
        for (int64_t r = first; r < rows && !suppressed; ++r)
          suppressed = suppresses(
              candidate,
              box_at(boxes, b, out[r * out_strides[0] + 2 * out_strides[1]],
                     center_point_box),
              iou_threshold);
        if (suppressed)
          continue;
        int64_t *row = out + rows * out_strides[0];
        row[0] = b;
        row[out_strides[1]] = c;
        row[2 * out_strides[1]] = best;
        ++rows;
        ++kept;
      }
    }
  }
  return rows;
}
