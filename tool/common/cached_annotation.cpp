// Raw-lexer recognition of [[picocache::cached(...)]]; see cached_annotation.hpp.
#include "cached_annotation.hpp"

#include "annotation_duration.hpp"

#include <clang/AST/Decl.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/Basic/LangOptions.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>
#include <clang/Lex/Token.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/ADT/StringRef.h>

#include <algorithm>
#include <iterator>
#include <optional>

namespace picocache::tooling {
namespace {

using clang::SourceLocation;
using clang::Token;
namespace tok = clang::tok;

constexpr llvm::StringLiteral kNamespace = "picocache";
constexpr llvm::StringLiteral kCached = "cached";

bool is_identifier(const Token& token) { return token.is(tok::raw_identifier); }
bool is_identifier(const Token& token, llvm::StringRef name) {
  return token.is(tok::raw_identifier) && token.getRawIdentifier() == name;
}
llvm::StringRef spelling(const Token& token) {
  // Raw lexing keeps the text of identifiers and literals only; punctuators have a fixed spelling.
  if (const char* punctuator = clang::tok::getPunctuatorSpelling(token.getKind()))
    return punctuator;
  if (!token.getLiteralData()) return {};
  return llvm::StringRef(token.getLiteralData(), token.getLength());
}
SourceLocation end_of(const Token& token) {
  return token.getLocation().getLocWithOffset(token.getLength());
}

// One attribute of an attribute-specifier: tokens [first, last], arguments in (open, close).
struct ParsedAttribute {
  llvm::StringRef scope;  // "" when unscoped
  llvm::StringRef name;
  std::size_t first = 0, last = 0;
  std::size_t scope_token = 0;  // index of the scope (or using-prefix namespace) token
  std::optional<std::size_t> open, close;
};

// One `[[ ... ]]`: tokens [begin, end] (end is the second `]`).
struct ParsedSpecifier {
  std::size_t begin = 0, end = 0;
  std::vector<ParsedAttribute> attributes;
};

// Index of the token closing the bracket opened at `open`, or nullopt.
std::optional<std::size_t> matching(const std::vector<Token>& tokens, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < tokens.size(); ++i) {
    if (tokens[i].isOneOf(tok::l_paren, tok::l_square, tok::l_brace)) ++depth;
    if (tokens[i].isOneOf(tok::r_paren, tok::r_square, tok::r_brace) && --depth == 0) return i;
  }
  return std::nullopt;
}

// Parses the attribute-specifier starting at tokens[i] == tokens[i+1] == `[`.
std::optional<ParsedSpecifier> parse_specifier(const std::vector<Token>& tokens, std::size_t i) {
  ParsedSpecifier specifier;
  specifier.begin = i;
  std::size_t j = i + 2;
  auto at = [&](std::size_t k) -> const Token* { return k < tokens.size() ? &tokens[k] : nullptr; };
  llvm::StringRef using_namespace;
  std::size_t using_token = 0;
  if (at(j + 2) && is_identifier(tokens[j], "using") && is_identifier(tokens[j + 1]) &&
      tokens[j + 2].is(tok::colon)) {
    using_namespace = tokens[j + 1].getRawIdentifier();
    using_token = j + 1;
    j += 3;
  }
  while (true) {
    const Token* token = at(j);
    if (!token) return std::nullopt;
    if (token->is(tok::r_square)) {
      if (!at(j + 1) || !tokens[j + 1].is(tok::r_square)) return std::nullopt;
      specifier.end = j + 1;
      return specifier;
    }
    if (token->is(tok::comma)) {
      ++j;
      continue;
    }
    if (!is_identifier(*token)) return std::nullopt;
    ParsedAttribute attribute;
    attribute.first = j;
    if (at(j + 2) && tokens[j + 1].is(tok::coloncolon) && is_identifier(tokens[j + 2])) {
      attribute.scope = token->getRawIdentifier();
      attribute.scope_token = j;
      attribute.name = tokens[j + 2].getRawIdentifier();
      j += 3;
    } else {
      attribute.scope = using_namespace;
      attribute.scope_token = using_namespace.empty() ? j : using_token;
      attribute.name = token->getRawIdentifier();
      j += 1;
    }
    if (at(j) && tokens[j].is(tok::l_paren)) {
      std::optional<std::size_t> close = matching(tokens, j);
      if (!close) return std::nullopt;
      attribute.open = j;
      attribute.close = *close;
      j = *close + 1;
    }
    if (at(j) && tokens[j].is(tok::ellipsis)) ++j;
    attribute.last = j - 1;
    specifier.attributes.push_back(attribute);
    if (at(j) && !tokens[j].isOneOf(tok::comma, tok::r_square)) return std::nullopt;
  }
}

// The keys picocache::cached takes, in the order messages list them.
constexpr llvm::StringLiteral kKeys[] = {"maxsize", "typed",         "ttl",
                                         "version", "single_flight", "lock_timeout"};
constexpr llvm::StringLiteral kKeyList =
    "the keys are 'maxsize', 'typed', 'ttl', 'version', 'single_flight' and 'lock_timeout'";

// The position of `name` in kKeys.
std::size_t key_index(llvm::StringRef name) { return llvm::find(kKeys, name) - std::begin(kKeys); }

// Parses the `key = value` list of one annotation into `annotation`, adding problems.
void parse_arguments(const std::vector<Token>& tokens, std::size_t open, std::size_t close,
                     CachedAnnotation& annotation, std::vector<AnnotationProblem>& problems) {
  auto problem = [&](SourceLocation at, std::string message, std::string note = {},
                     SourceLocation note_at = {}) {
    problems.push_back({at, std::move(message), std::move(note), note_at});
    annotation.valid = false;
  };
  SourceLocation seen[std::size(kKeys)];
  std::size_t i = open + 1;
  while (i < close) {
    // One entry: tokens [i, end) up to the next comma at depth 0.
    std::size_t end = i;
    int depth = 0;
    while (end < close && !(depth == 0 && tokens[end].is(tok::comma))) {
      if (tokens[end].isOneOf(tok::l_paren, tok::l_square, tok::l_brace)) ++depth;
      if (tokens[end].isOneOf(tok::r_paren, tok::r_square, tok::r_brace)) --depth;
      ++end;
    }
    const Token& key = tokens[i];
    if (end - i < 3 || !is_identifier(key) || !tokens[i + 1].is(tok::equal)) {
      problem(key.getLocation(), "expected 'key = value' in picocache::cached arguments",
              "the keys are 'maxsize' (an integer or 'none'), 'typed' and 'single_flight' "
              "('true' or 'false'), 'ttl' (a duration or 'none'), 'version' (a string or an "
              "integer) and 'lock_timeout' (a "
              "duration), e.g. "
              "[[picocache::cached(maxsize = 256, typed = true)]]");
      i = end + 1;
      continue;
    }
    const llvm::StringRef name = key.getRawIdentifier();
    const Token& value = tokens[i + 2];
    std::string value_text;
    for (std::size_t k = i + 2; k < end; ++k) value_text += spelling(tokens[k]).str();
    const bool single = end - i == 3;
    auto bad_value = [&](std::string note) {
      problem(value.getLocation(),
              "bad value '" + value_text + "' for '" + name.str() + "' in picocache::cached",
              std::move(note));
    };
    const auto* known = llvm::find(kKeys, name);
    if (known == std::end(kKeys)) {
      std::string note = kKeyList.str();
      for (llvm::StringRef candidate : kKeys) {
        if (name.edit_distance(candidate) <= 2) note = ("did you mean '" + candidate + "'?").str();
      }
      problem(key.getLocation(), ("unknown key '" + name + "' in picocache::cached").str(), note);
    } else if (SourceLocation& first = seen[known - std::begin(kKeys)]; first.isValid()) {
      problem(key.getLocation(), ("duplicate key '" + name + "' in picocache::cached").str(),
              "first given here", first);
    } else {
      first = key.getLocation();
      std::optional<bool> boolean;
      if (single && is_identifier(value, "true")) boolean = true;
      if (single && is_identifier(value, "false")) boolean = false;
      if (name == "maxsize") {
        std::uint64_t number = 0;
        std::string digits = spelling(value).str();
        digits.erase(std::remove(digits.begin(), digits.end(), '\''), digits.end());
        if (single && is_identifier(value, "none")) {
          annotation.unbounded = true;
        } else if (single && value.is(tok::numeric_constant) && !digits.empty() &&
                   llvm::all_of(digits, llvm::isDigit) &&
                   !llvm::StringRef(digits).getAsInteger(10, number)) {
          annotation.maxsize = number;
        } else {
          bad_value("maxsize is a non-negative integer (0 caches nothing) or 'none' (no limit)");
        }
      } else if (name == "version") {
        // 2 and "2" are one version: the text without quotes.
        std::string text;
        if (single && value.is(tok::numeric_constant)) {
          text = spelling(value).str();
          if (text.empty() || !llvm::all_of(text, llvm::isDigit)) text.clear();
        } else if (single && value.is(tok::string_literal) && spelling(value).size() > 2 &&
                   spelling(value).front() == '"') {
          text = spelling(value).drop_front().drop_back().str();
          if (llvm::any_of(text, [](char c) { return c == '\\' || !llvm::isPrint(c); })) {
            text.clear();
          }
        }
        if (text.empty()) {
          bad_value(
              "version is a non-empty string or a non-negative integer (version = \"2\" "
              "and version = 2 are the same, without escapes); it replaces the code "
              "fingerprint: results are kept across edits until the version changes");
        } else {
          annotation.version = text;
        }
      } else if (name == "typed" || name == "single_flight") {
        if (!boolean) {
          bad_value((name + " is 'true' or 'false'").str());
        } else if (name == "typed") {
          annotation.typed = *boolean;
        } else {
          annotation.single_flight = *boolean;
        }
      } else if (name == "ttl") {
        std::optional<std::chrono::milliseconds> duration;
        if (single && value.isOneOf(tok::numeric_constant, tok::string_literal))
          duration = parse_annotation_duration(spelling(value));
        if (single && is_identifier(value, "none")) {
          annotation.ttl.reset();
        } else if (!duration) {
          bad_value(std::string(kDurationGrammar) +
                    ", or 'none' (the default: entries never expire); an entry older than its ttl "
                    "is a miss");
        } else if (duration->count() == 0) {
          bad_value(
              "ttl = 0 would keep nothing: write maxsize = 0 to cache nothing, or "
              "ttl = none for no expiry");
        } else {
          annotation.ttl = *duration;
        }
      } else {  // lock_timeout
        std::optional<std::chrono::milliseconds> duration;
        if (single && value.isOneOf(tok::numeric_constant, tok::string_literal))
          duration = parse_annotation_duration(spelling(value));
        if (!duration) {
          bad_value(std::string(kDurationGrammar) +
                    "; lock_timeout bounds how long a miss waits for another caller computing "
                    "the same key (default: while its lease is renewed, up to 10 minutes)");
        } else if (duration->count() == 0) {
          bad_value("lock_timeout = 0 would never wait: write single_flight = false instead");
        } else {
          annotation.lock_timeout = *duration;
        }
      }
    }
    i = end + 1;
  }
  const SourceLocation single_flight_at = seen[key_index("single_flight")],
                       lock_timeout_at = seen[key_index("lock_timeout")];
  if (!annotation.single_flight && lock_timeout_at.isValid()) {
    problem(lock_timeout_at, "'lock_timeout' has no effect with 'single_flight = false'",
            "single_flight = false given here", single_flight_at);
  }
}

bool contains(const clang::SourceManager& sm, llvm::ArrayRef<clang::SourceRange> ranges,
              SourceLocation location) {
  for (const clang::SourceRange& range : ranges) {
    if (sm.isPointWithin(location, range.getBegin(), range.getEnd())) return true;
  }
  return false;
}

}  // namespace

std::string CachedAnnotation::options_text() const {
  std::string text = "maxsize=" + (unbounded ? std::string("none") : std::to_string(maxsize)) +
                     ", typed=" + (typed ? "true" : "false");
  if (ttl) text += ", ttl=" + std::to_string(ttl->count()) + "ms";
  if (!single_flight) text += ", single_flight=false";
  if (lock_timeout) text += ", lock_timeout=" + std::to_string(lock_timeout->count()) + "ms";
  if (version) text += ", version=\"" + *version + "\"";
  return text;
}

AnnotationIndex AnnotationIndex::build(const clang::SourceManager& sm,
                                       const clang::LangOptions& lang,
                                       llvm::ArrayRef<clang::SourceRange> skipped) {
  AnnotationIndex index(sm);
  for (unsigned i = 0, n = sm.local_sloc_entry_size(); i < n; ++i) {
    const clang::SrcMgr::SLocEntry& entry = sm.getLocalSLocEntry(i);
    if (!entry.isFile()) continue;
    const clang::SrcMgr::FileInfo& info = entry.getFile();
    if (clang::SrcMgr::isSystem(info.getFileCharacteristic())) continue;
    if (!info.getContentCache().OrigEntry) continue;  // <built-in>, <command line>
    clang::FileID file = sm.getFileID(SourceLocation::getFromRawEncoding(entry.getOffset()));
    if (file.isInvalid()) continue;
    index.lex_file(file, lang, skipped);
  }
  return index;
}

void AnnotationIndex::lex_file(clang::FileID file, const clang::LangOptions& lang,
                               llvm::ArrayRef<clang::SourceRange> skipped) {
  const clang::SourceManager& sm = *sm_;
  std::optional<llvm::MemoryBufferRef> buffer = sm.getBufferOrNone(file);
  if (!buffer) return;
  // Cheap filter: the main file is always lexed (declaration_start needs its sequences).
  if (file != sm.getMainFileID() && buffer->getBuffer().find(kCached) == llvm::StringRef::npos)
    return;

  std::vector<Token> tokens;
  clang::Lexer lexer(file, *buffer, sm, lang);
  Token token;
  bool in_directive = false;  // tokens of a preprocessor directive, e.g. a #define's body
  while (!lexer.LexFromRawLexer(token) || token.isNot(tok::eof)) {
    if (token.is(tok::eof)) break;
    if (token.isAtStartOfLine()) in_directive = token.is(tok::hash);
    if (in_directive) continue;
    tokens.push_back(token);
  }

  // Attribute specifiers, then sequences of adjacent ones.
  std::vector<ParsedSpecifier> specifiers;
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (!tokens[i].is(tok::l_square) || !tokens[i + 1].is(tok::l_square)) continue;
    if (std::optional<ParsedSpecifier> specifier = parse_specifier(tokens, i)) {
      specifiers.push_back(std::move(*specifier));
      i = specifiers.back().end;
    }
  }

  for (std::size_t s = 0; s < specifiers.size();) {
    std::size_t last = s;
    while (last + 1 < specifiers.size() && specifiers[last + 1].begin == specifiers[last].end + 1)
      ++last;
    const std::size_t begin_token = specifiers[s].begin, end_token = specifiers[last].end;
    SourceLocation sequence_begin = tokens[begin_token].getLocation();
    SourceLocation next =
        end_token + 1 < tokens.size() ? tokens[end_token + 1].getLocation() : SourceLocation();
    SourceLocation previous =
        begin_token > 0 ? tokens[begin_token - 1].getLocation() : SourceLocation();
    if (next.isValid()) sequence_start_[next.getRawEncoding()] = sequence_begin;

    SourceLocation first_in_sequence;
    for (std::size_t k = s; k <= last; ++k) {
      const ParsedSpecifier& specifier = specifiers[k];
      for (std::size_t a = 0; a < specifier.attributes.size(); ++a) {
        const ParsedAttribute& attribute = specifier.attributes[a];
        if (attribute.scope != kNamespace) continue;
        SourceLocation location = tokens[attribute.scope_token].getLocation();
        if (contains(sm, skipped, location)) continue;
        if (attribute.name != kCached) {
          problems_.push_back({tokens[attribute.first].getLocation(),
                               ("unknown attribute 'picocache::" + attribute.name + "'").str(),
                               "the attribute is spelled [[picocache::cached]] or "
                               "[[picocache::cached(maxsize = N, typed = true)]]",
                               {}});
          continue;
        }
        CachedAnnotation annotation;
        annotation.location = location;
        annotation.sequence_begin = sequence_begin;
        annotation.next_token = next;
        annotation.previous_token = previous;
        const bool alone = specifier.attributes.size() == 1;
        if (alone) {
          annotation.removal = clang::CharSourceRange::getCharRange(
              tokens[specifier.begin].getLocation(), end_of(tokens[specifier.end]));
        } else {
          // Drop the attribute and the comma after it (or, for the last one, before it).
          std::size_t from = attribute.first, to = attribute.last;
          if (tokens[to + 1].is(tok::comma)) {
            ++to;
          } else if (tokens[from - 1].is(tok::comma)) {
            --from;
          }
          annotation.removal =
              clang::CharSourceRange::getCharRange(tokens[from].getLocation(), end_of(tokens[to]));
        }
        if (attribute.open)
          parse_arguments(tokens, *attribute.open, *attribute.close, annotation, problems_);
        if (first_in_sequence.isValid()) {
          problems_.push_back({location, "duplicate picocache::cached annotation",
                               "first given here", first_in_sequence});
          continue;
        }
        annotations_.push_back(annotation);
        first_in_sequence = location;
        const unsigned id = static_cast<unsigned>(annotations_.size() - 1);
        if (next.isValid()) by_next_token_[next.getRawEncoding()].push_back(id);
        if (previous.isValid()) by_previous_token_[previous.getRawEncoding()].push_back(id);
      }
    }
    s = last + 1;
  }
}

const CachedAnnotation* AnnotationIndex::find(const clang::Decl& decl) const {
  const clang::SourceManager& sm = *sm_;
  auto lookup = [&](const llvm::DenseMap<SourceLocation::UIntTy, std::vector<unsigned>>& map,
                    SourceLocation location) -> const CachedAnnotation* {
    if (location.isInvalid()) return nullptr;
    auto it = map.find(sm.getExpansionLoc(location).getRawEncoding());
    return it == map.end() ? nullptr : &annotations_[it->second.front()];
  };
  if (const CachedAnnotation* found = lookup(by_next_token_, decl.getBeginLoc())) return found;
  if (const auto* function = llvm::dyn_cast<clang::FunctionDecl>(&decl)) {
    // `int f [[picocache::cached]] (int)`: right after the name.
    if (const CachedAnnotation* found = lookup(by_previous_token_, function->getLocation()))
      return found;
    // `template <class T> [[picocache::cached]] T f(T)`: the template starts earlier.
    if (const clang::FunctionTemplateDecl* described = function->getDescribedFunctionTemplate()) {
      if (const CachedAnnotation* found = lookup(by_next_token_, described->getBeginLoc()))
        return found;
    }
  }
  return nullptr;
}

const CachedAnnotation* AnnotationIndex::find_on_any_redeclaration(
    const clang::FunctionDecl& function) const {
  for (const clang::FunctionDecl* redeclaration : function.redecls()) {
    if (const CachedAnnotation* found = find(*redeclaration)) return found;
  }
  if (const clang::FunctionTemplateDecl* described = function.getDescribedFunctionTemplate()) {
    for (const clang::RedeclarableTemplateDecl* redeclaration : described->redecls()) {
      const auto* templated =
          llvm::cast<clang::FunctionTemplateDecl>(redeclaration)->getTemplatedDecl();
      if (const CachedAnnotation* found = find(*templated)) return found;
    }
  }
  return nullptr;
}

SourceLocation AnnotationIndex::declaration_start(SourceLocation begin) const {
  SourceLocation location = sm_->getExpansionLoc(begin);
  for (auto it = sequence_start_.find(location.getRawEncoding()); it != sequence_start_.end();
       it = sequence_start_.find(location.getRawEncoding())) {
    location = it->second;
  }
  return location;
}

bool AnnotationIndex::is_known_annotation_location(SourceLocation location) const {
  const clang::SourceManager& sm = *sm_;
  for (const CachedAnnotation& annotation : annotations_) {
    if (sm.isPointWithin(location, annotation.removal.getBegin(), annotation.removal.getEnd()))
      return true;
  }
  return false;
}

}  // namespace picocache::tooling
