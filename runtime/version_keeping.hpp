// Superseded code versions: how the runtime records which version of each cached function a
// process uses, and drops the entries of the versions nobody uses any more.
//
// Policy. A function's versions share a family (CachedFunction::family_id(): its qualified name
// and signature) and differ in id (the code version is part of it). A process records a
// version's last use (store.record_use) on its first store access of the function and then at
// most once an hour, and right after that drops the entries of the family's other versions whose
// last recorded use is older than the keep duration (store.drop_versions): PICOCACHE_KEEP_VERSIONS
// (a duration: "12h", "7d", or an integer of seconds), default 7 days. So two versions deployed
// side by side both stay cached (each records itself hourly), and a version that no process has
// used for the keep duration is gone at the next record of another version. Between two records
// a process only compares a time (no store write on the hit path). A failure is a store failure
// (counted, warned about once, never thrown to the caller).
#pragma once

#include <picocache/memoize.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace picocache::detail {

// How often one process records a function's use at most.
inline constexpr std::chrono::hours kRecordUseEvery{1};
// How long an unused version is kept unless PICOCACHE_KEEP_VERSIONS says otherwise.
inline constexpr std::chrono::hours kDefaultKeepVersions{24 * 7};

// The keep duration `text` (PICOCACHE_KEEP_VERSIONS's value) denotes: an integer of seconds
// ("3600") or an integer with a unit ("250ms", "90s", "15min", "12h", "7d"), the duration grammar
// of the annotation keys; "none" keeps every version (nullopt inside: never drop). Returns
// false when `text` is no such duration or is zero (which would drop a version deployed beside
// this one at once).
bool parse_keep_versions(std::string_view text, std::optional<std::chrono::milliseconds>& keep);

// The keep duration of this process, read from PICOCACHE_KEEP_VERSIONS once (a bad value is
// logged once and the default used); nullopt: "none", never drop.
std::optional<std::chrono::milliseconds> keep_versions_for();

// Called by the runtime before each store access of `fn`: when due (the first in this process,
// then hourly), records fn's use and drops its family's versions unused for the keep duration.
// Otherwise a time comparison. Never throws.
void keep_versions(CachedFunction& fn);

// Makes every function due again (configure(): the new store has no record of this process).
void forget_recorded_uses();

}  // namespace picocache::detail
