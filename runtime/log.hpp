// PicoCache's own messages (store warnings): one line each, sent to the handler set with
// picocache::set_log_handler, stderr by default.
#pragma once

#include <string_view>

namespace picocache::detail {

// Sends `message` (no trailing newline) to the log handler. Never throws: a handler that throws
// loses that message, nothing more.
void log(std::string_view message);

}  // namespace picocache::detail
