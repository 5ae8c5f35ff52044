// How decoding reports a failure, chosen by the user's compiler flags. With exceptions (the
// default) Decoder::fail throws DecodeError. Under -fno-exceptions it records the failure, every
// later read returns a neutral value (0, empty), and decode_value turns it into a miss.
//
// Decoder (and with it every Codec<T>::decode, whose signature names it) and decode_value live in
// an inline namespace named after the mode, so a program whose translation units disagree on
// -fno-exceptions gets two distinct sets of functions instead of one silently picked for both.
#pragma once

#if defined(__cpp_exceptions)
#define PICOCACHE_DECODE_NAMESPACE decode_throws
#define PICOCACHE_DECODE_NORETURN [[noreturn]]
#else
#define PICOCACHE_DECODE_NAMESPACE decode_reports
#define PICOCACHE_DECODE_NORETURN
#endif
