// H3's section of the model config (paper-spec §2): its filter (core/src/arch/h3/).
#pragma once

namespace icl {

/** H3 filter: free lag weights f_0..f_n (initialised to ones), or a diagonal SSM with N states. */
enum class FilterKind { Free, Ssm };

namespace arch {

struct H3 {
  FilterKind filter = FilterKind::Free;
  int ssm_states = 1;  // with the ssm filter
};

}  // namespace arch
}  // namespace icl
