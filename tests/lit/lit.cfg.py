# lit configuration shared by tests/lit/gen and tests/lit/tidy.
#
# Substitutions:
#   %picocache-gen          the picocache-gen under test
#   %picocache-tidy-plugin  the picocache-tidy plugin (.so) for clang-tidy --load
#   %clang-tidy             Debian's clang-tidy-19
#   %FileCheck, %not        LLVM's FileCheck and not
#   %cxx17, %clangxx17      g++-12 / clang++-19 -std=c++17 -Wall -Wextra -Werror -I<include>
#   %picocache-include      the public headers (include/)
import os
import lit.formats

site = lit_config.params.get("picocache_site_config")
if not site:
    lit_config.fatal("run through ctest, or pass --param picocache_site_config=<build>/tests/lit/lit.site.cfg.py")
lit_config.load_config(config, site)

config.name = "PicoCache"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".cpp", ".test"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.dirname(__file__)

include_dir = os.path.join(config.picocache_source_dir, "include")
warnings = "-std=c++17 -Wall -Wextra -Werror -Wno-attributes=picocache::cached"
config.substitutions.append(("%picocache-gen", config.picocache_gen))
config.substitutions.append(("%picocache-tidy-plugin", config.picocache_tidy_plugin))
config.substitutions.append(("%picocache-include", include_dir))
config.substitutions.append(("%clang-tidy", config.clang_tidy))
config.substitutions.append(("%FileCheck", config.filecheck))
config.substitutions.append(("%not", config.not_tool))
config.substitutions.append(("%cxx17", f"{config.gxx} {warnings} -I{include_dir}"))
config.substitutions.append(("%clangxx17", f"{config.clangxx} -std=c++17 -Wall -Wextra -Werror -Wno-unknown-attributes -I{include_dir}"))
