// The picocache-tidy clang-tidy module: registers the picocache-* checks, which warn where
// [[picocache::cached]] would return wrong results. Load it with
//   clang-tidy --load=libpicocache-tidy.so -checks='-*,picocache-*' file.cpp -- <flags>
#include "external_callee_check.hpp"
#include "impure_call_check.hpp"
#include "member_state_check.hpp"
#include "mutable_global_check.hpp"
#include "non_const_reference_parameter_check.hpp"
#include "pointer_parameter_check.hpp"
#include "pointer_result_check.hpp"
#include "void_result_check.hpp"

#include <clang-tidy/ClangTidyModule.h>
#include <clang-tidy/ClangTidyModuleRegistry.h>

namespace picocache::tidy {

class PicoCacheModule : public clang::tidy::ClangTidyModule {
 public:
  void addCheckFactories(clang::tidy::ClangTidyCheckFactories& factories) override {
    factories.registerCheck<ExternalCalleeCheck>("picocache-external-callee");
    factories.registerCheck<ImpureCallCheck>("picocache-impure-call");
    factories.registerCheck<MemberStateCheck>("picocache-member-state");
    factories.registerCheck<MutableGlobalCheck>("picocache-mutable-global");
    factories.registerCheck<NonConstReferenceParameterCheck>(
        "picocache-non-const-reference-parameter");
    factories.registerCheck<PointerParameterCheck>("picocache-pointer-parameter");
    factories.registerCheck<PointerResultCheck>("picocache-pointer-result");
    factories.registerCheck<VoidResultCheck>("picocache-void-result");
  }
};

}  // namespace picocache::tidy

// clang-tidy finds the module through this registration when it loads the plugin.
static clang::tidy::ClangTidyModuleRegistry::Add<picocache::tidy::PicoCacheModule> picocache_module(
    "picocache-module",
    "Checks for functions whose results [[picocache::cached]] would get wrong.");
