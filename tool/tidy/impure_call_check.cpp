// picocache-impure-call; see impure_call_check.hpp.
#include "impure_call_check.hpp"

#include <clang-tidy/utils/OptionsUtils.h>
#include <clang/AST/ASTContext.h>
#include <clang/AST/ExprCXX.h>
#include <clang/Basic/SourceManager.h>

#include <optional>
#include <string>
#include <vector>

using namespace clang::ast_matchers;

namespace picocache::tidy {
namespace {

// What an impure expression reads; the node bound under this name is the expression.
constexpr llvm::StringLiteral kClock = "clock";
constexpr llvm::StringLiteral kRandomness = "randomness";
constexpr llvm::StringLiteral kEnvironment = "environment";
constexpr llvm::StringLiteral kIo = "io";
constexpr llvm::StringLiteral kListed = "listed";  // a call to a function ImpureFunctions names
constexpr llvm::StringLiteral kEngine = "engine";  // the random engine drawn from, if any

auto clock_functions() {
  return functionDecl(
      anyOf(hasAnyName("::time", "::clock", "::gettimeofday", "::clock_gettime", "::timespec_get",
                       "::ftime", "::times", "::std::time", "::std::clock", "::std::timespec_get"),
            // std::chrono::system_clock::now, steady_clock, file_clock, ...
            allOf(hasName("now"), matchesName("^::std::chrono::"))));
}

auto randomness_functions() {
  return functionDecl(hasAnyName(
      "::rand", "::random", "::rand_r", "::srand", "::srandom", "::drand48", "::erand48",
      "::lrand48", "::nrand48", "::mrand48", "::jrand48", "::arc4random", "::arc4random_uniform",
      "::arc4random_buf", "::getrandom", "::getentropy", "::std::rand", "::std::srand"));
}

auto environment_functions() {
  return functionDecl(hasAnyName("::getenv", "::secure_getenv", "::std::getenv", "::setenv",
                                 "::unsetenv", "::putenv", "::clearenv", "::getcwd",
                                 "::get_current_dir_name"));
}

auto io_functions() {
  return functionDecl(anyOf(
      // Files and directories.
      hasAnyName("::fopen", "::fopen64", "::freopen", "::fdopen", "::tmpfile", "::popen", "::fread",
                 "::fgets", "::fgetc", "::getc", "::getchar", "::ungetc", "::fscanf", "::scanf",
                 "::vfscanf", "::vscanf", "::getline", "::getdelim", "::fwrite", "::fputs",
                 "::fputc", "::putc", "::puts", "::putchar", "::printf", "::fprintf", "::vprintf",
                 "::vfprintf", "::perror", "::open", "::open64", "::openat", "::creat", "::read",
                 "::pread", "::pread64", "::readv", "::write", "::pwrite", "::writev", "::opendir",
                 "::fdopendir", "::readdir", "::stat", "::lstat", "::fstat", "::fstatat",
                 "::access", "::faccessat", "::realpath", "::readlink", "::unlink", "::remove",
                 "::rename", "::mkdir", "::rmdir", "::mmap", "::ioctl", "::system",
                 // Sockets and names.
                 "::socket", "::connect", "::accept", "::accept4", "::bind", "::listen", "::recv",
                 "::recvfrom", "::recvmsg", "::send", "::sendto", "::sendmsg", "::select", "::poll",
                 "::epoll_wait", "::getaddrinfo", "::gethostbyname", "::gethostname"),
      // std::filesystem's operations (free functions; path's members are pure).
      allOf(matchesName("^::std::(.*::)?filesystem::"), unless(cxxMethodDecl()),
            unless(hasAnyName("swap", "hash_value", "u8path", "begin", "end")))));
}

auto io_classes() {
  return cxxRecordDecl(hasAnyName("::std::basic_ifstream", "::std::basic_ofstream",
                                  "::std::basic_fstream", "::std::basic_filebuf",
                                  "::std::filesystem::directory_iterator",
                                  "::std::filesystem::recursive_directory_iterator"));
}

auto standard_streams() {
  return varDecl(hasAnyName("::std::cin", "::std::cout", "::std::cerr", "::std::clog",
                            "::std::wcin", "::std::wcout", "::std::wcerr", "::std::wclog",
                            "::stdin", "::stdout", "::stderr"));
}

auto environment_variables() { return varDecl(hasAnyName("::environ", "::__environ")); }

auto random_engines() {
  return cxxRecordDecl(hasAnyName(
      "::std::mersenne_twister_engine", "::std::linear_congruential_engine",
      "::std::subtract_with_carry_engine", "::std::discard_block_engine",
      "::std::independent_bits_engine", "::std::shuffle_order_engine", "::std::random_device"));
}

// An object that belongs to this call: a local variable (not a parameter, not a reference) or
// a temporary. Drawing from a local engine is deterministic; a local std::random_device is
// reported where it is constructed.
auto local_object() {
  return ignoringParenImpCasts(
      anyOf(declRefExpr(to(varDecl(hasAutomaticStorageDuration(), unless(parmVarDecl()),
                                   unless(hasType(referenceType()))))),
            materializeTemporaryExpr(), cxxBindTemporaryExpr(), cxxConstructExpr()));
}

auto outside_engine() {
  return expr(hasType(hasUnqualifiedDesugaredType(recordType(hasDeclaration(random_engines())))),
              unless(local_object()))
      .bind(kEngine);
}

// A call to one of `names` (ImpureFunctions); matches nothing when there are none.
StatementMatcher listed_call(const std::vector<llvm::StringRef>& names) {
  if (names.empty()) return expr(unless(anything()));
  return callExpr(callee(functionDecl(hasAnyName(names)))).bind(kListed);
}

// One impure expression, bound under its kind. The listed functions come first: a project's
// own list names what it knows best.
StatementMatcher impure_expression(const std::vector<llvm::StringRef>& listed) {
  return expr(anyOf(
      listed_call(listed), callExpr(callee(clock_functions())).bind(kClock),
      callExpr(callee(randomness_functions())).bind(kRandomness),
      cxxConstructExpr(hasDeclaration(cxxConstructorDecl(ofClass(hasName("::std::random_device")))))
          .bind(kRandomness),
      // gen(), dist(gen), std::shuffle(b, e, gen), gen.discard(n) on an engine from outside.
      callExpr(hasAnyArgument(outside_engine())).bind(kRandomness),
      cxxMemberCallExpr(on(outside_engine())).bind(kRandomness),
      callExpr(callee(environment_functions())).bind(kEnvironment),
      declRefExpr(to(environment_variables())).bind(kEnvironment),
      callExpr(callee(io_functions()), unless(cxxOperatorCallExpr())).bind(kIo),
      cxxConstructExpr(hasDeclaration(cxxConstructorDecl(ofClass(io_classes())))).bind(kIo),
      declRefExpr(to(standard_streams())).bind(kIo)));
}

// A call into a function that may have a body in this TU, to look one level into.
auto helper_call() {
  return callExpr(callee(functionDecl(unless(isExpansionInSystemHeader())).bind("callee")))
      .bind("helper_call");
}

enum class Impurity { Clock, Randomness, Environment, Io, Listed };

struct ImpureUse {
  Impurity kind;
  const clang::Stmt* where;
  std::string what;    // "call to 'time'", "constructing 'std::ifstream'", "use of 'std::cout'"
  std::string action;  // "calls 'time'", "constructs 'std::ifstream'", "uses 'std::cout'"
};

std::string print(clang::QualType type, const clang::ASTContext& context) {
  return type.getUnqualifiedType().getAsString(context.getPrintingPolicy());
}

std::string name_of(const clang::NamedDecl& decl) {
  std::string name;
  llvm::raw_string_ostream stream(name);
  clang::PrintingPolicy policy(decl.getASTContext().getLangOpts());
  policy.SuppressInlineNamespace = true;
  decl.printQualifiedName(stream, policy);
  return name;
}

std::optional<ImpureUse> classify(const BoundNodes& nodes, const clang::ASTContext& context) {
  const std::pair<llvm::StringLiteral, Impurity> kinds[] = {{kListed, Impurity::Listed},
                                                            {kClock, Impurity::Clock},
                                                            {kRandomness, Impurity::Randomness},
                                                            {kEnvironment, Impurity::Environment},
                                                            {kIo, Impurity::Io}};
  for (const auto& [binding, kind] : kinds) {
    const auto* expression = nodes.getNodeAs<clang::Expr>(binding);
    if (!expression) continue;
    ImpureUse use{kind, expression, {}, {}};
    std::string name;
    if (const auto* engine = nodes.getNodeAs<clang::Expr>(kEngine)) {
      const clang::Expr* bare = engine->IgnoreParenImpCasts();
      if (const auto* reference = llvm::dyn_cast<clang::DeclRefExpr>(bare)) {
        name = reference->getDecl()->getName().str();
      } else if (const auto* member = llvm::dyn_cast<clang::MemberExpr>(bare)) {
        name = member->getMemberDecl()->getName().str();
      } else {
        name = print(engine->getType(), context);
      }
      use.what = "drawing from '" + name + "'";
      use.action = "draws from '" + name + "'";
    } else if (const auto* construct = llvm::dyn_cast<clang::CXXConstructExpr>(expression)) {
      name = print(construct->getType(), context);
      use.what = "constructing '" + name + "'";
      use.action = "constructs '" + name + "'";
    } else if (const auto* reference = llvm::dyn_cast<clang::DeclRefExpr>(expression)) {
      name = name_of(*reference->getDecl());
      use.what = "use of '" + name + "'";
      use.action = "uses '" + name + "'";
    } else if (const auto* call = llvm::dyn_cast<clang::CallExpr>(expression)) {
      const auto* callee = llvm::dyn_cast_or_null<clang::NamedDecl>(call->getCalleeDecl());
      name = callee ? name_of(*callee) : "a function";
      use.what = "call to '" + name + "'";
      use.action = "calls '" + name + "'";
    }
    return use;
  }
  return std::nullopt;
}

// What the expression does, after "call to 'f'" (or "call to 'helper'", which does it).
llvm::StringRef reads(Impurity kind, bool through_helper) {
  switch (kind) {
    case Impurity::Clock:
      return "reads the clock";
    case Impurity::Randomness:
      return "reads randomness";
    case Impurity::Environment:
      return "reads the environment";
    case Impurity::Io:
      return "does file, console or network I/O";
    case Impurity::Listed:
      return through_helper ? "calls a function listed as impure" : "is listed as impure";
  }
  return "";
}

// Why that is wrong in a cached function.
llvm::StringRef consequence(Impurity kind) {
  switch (kind) {
    case Impurity::Clock:
      return "a cached result would keep the time of the first call";
    case Impurity::Randomness:
      return "a cached result would repeat the first call's random values";
    case Impurity::Environment:
      return "a cached result would not follow changes to the environment";
    case Impurity::Io:
      return "a cached result would not follow changes to the data read, and a hit skips the I/O";
    case Impurity::Listed:
      return "a cached result would keep what the first call got, and a hit skips the call";
  }
  return "";
}

// What to do instead, for the note.
llvm::StringRef remedy(Impurity kind) {
  switch (kind) {
    case Impurity::Clock:
      return "pass the time in as a parameter";
    case Impurity::Randomness:
      return "pass the seed or the random values in as parameters";
    case Impurity::Environment:
      return "read the environment outside the cached function and pass the value in as a "
             "parameter";
    case Impurity::Io:
      return "do the I/O outside the cached function and pass the data in as a parameter";
    case Impurity::Listed:
      return "call it outside the cached function and pass what it returns in as a parameter";
  }
  return "";
}

}  // namespace

ImpureCallCheck::ImpureCallCheck(llvm::StringRef name, clang::tidy::ClangTidyContext* context)
    : AnnotatedFunctionCheck(name, context),
      impure_functions_(Options.get("ImpureFunctions", "")),
      impure_expression_(
          impure_expression(clang::tidy::utils::options::parseStringList(impure_functions_))) {}

void ImpureCallCheck::storeOptions(clang::tidy::ClangTidyOptions::OptionMap& options) {
  Options.store(options, "ImpureFunctions", impure_functions_);
}

void ImpureCallCheck::registerMatchers(MatchFinder* finder) {
  finder->addMatcher(functionDecl(isCachedFunction(), isDefinition(),
                                  forEachDescendant(expr(anyOf(impure_expression_, helper_call()))))
                         .bind("function"),
                     this);
}

void ImpureCallCheck::check(const MatchFinder::MatchResult& result) {
  clang::ASTContext& context = *result.Context;
  if (std::optional<ImpureUse> use = classify(result.Nodes, context)) {
    diag(use->where->getBeginLoc(), "%0 %1: %2")
        << use->what << reads(use->kind, false) << consequence(use->kind);
    diag(use->where->getBeginLoc(), remedy(use->kind), clang::DiagnosticIDs::Note);
    return;
  }

  // One level down: the first impure expression in the body of a function defined in this TU.
  const auto* function = result.Nodes.getNodeAs<clang::FunctionDecl>("function");
  const auto* call = result.Nodes.getNodeAs<clang::CallExpr>("helper_call");
  const auto* callee = result.Nodes.getNodeAs<clang::FunctionDecl>("callee");
  if (!call || !callee) return;
  const clang::FunctionDecl* definition = nullptr;
  if (!callee->hasBody(definition) || !definition) return;
  if (definition->getCanonicalDecl() == function->getCanonicalDecl()) return;  // recursion
  // Lambdas and local classes in the cached body are part of it, already searched.
  const clang::SourceManager& sm = context.getSourceManager();
  if (sm.isPointWithin(definition->getLocation(), function->getBeginLoc(), function->getEndLoc()))
    return;
  if (sm.isInSystemHeader(definition->getLocation())) return;

  for (const BoundNodes& nodes :
       match(functionDecl(forEachDescendant(impure_expression_)), *definition, context)) {
    std::optional<ImpureUse> use = classify(nodes, context);
    if (!use) continue;
    diag(call->getBeginLoc(), "call to %0 %1 (it %2): %3")
        << definition << reads(use->kind, true) << use->action << consequence(use->kind);
    diag(use->where->getBeginLoc(), "%0 here", clang::DiagnosticIDs::Note) << use->what;
    diag(call->getBeginLoc(), remedy(use->kind), clang::DiagnosticIDs::Note);
    return;
  }
}

}  // namespace picocache::tidy
