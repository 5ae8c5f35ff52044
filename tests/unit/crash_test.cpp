// A writer SIGKILLed at random moments (during puts that evict at maxsize, and during
// cache_clear) leaves a SQLite store that is intact: integrity_check is ok, each function's size
// row equals its real entry count and is at most its maxsize, and every value read back is right.
#include "reliability_process.hpp"
#include "store_invariants.hpp"
#include "temp_dir.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>

namespace picocache {
namespace {

using namespace std::chrono_literals;
using testing::FunctionCount;
using testing::SqliteFile;
using testing::TempDir;

std::uint64_t maxsize_of(const std::string& name) {
  if (name == "reliability::two") return 2;
  if (name == "reliability::sixteen") return 16;
  return ~std::uint64_t{0};
}

void expect_intact(const std::string& path, const std::string& when) {
  SqliteFile file(path);
  EXPECT_EQ(file.integrity_check(), "ok") << when;
  EXPECT_EQ(file.orphan_entries(), 0) << when;
  for (const FunctionCount& count : file.functions()) {
    EXPECT_EQ(count.size, count.entries) << count.name << " " << when;
    EXPECT_LE(static_cast<std::uint64_t>(count.entries), maxsize_of(count.name))
        << count.name << " " << when;
  }
}

TEST(Crash, KilledWritersLeaveAnIntactStore) {
  constexpr int kKills = 60;
  const unsigned seed = 20261201;
  TempDir dir;
  const std::string path = dir.file("crash.db");
  const std::string url = "sqlite:///" + path.substr(1);
  const std::string phase_file = dir.file("phase");
  {
    std::ofstream(phase_file) << 'i';
  }

  const int fd = open(phase_file.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  void* mapped = mmap(nullptr, 1, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  ASSERT_NE(mapped, MAP_FAILED);
  auto* phase = static_cast<volatile char*>(mapped);

  std::mt19937 random(seed);
  std::uniform_int_distribution<int> delay_ms(5, 120);
  std::map<char, int> killed_while;  // 'p' putting (and evicting), 'c' clearing, 'i' starting
  for (int kill = 0; kill < kKills; ++kill) {
    *phase = 'i';
    const testing::Child child =
        testing::start_client(url, {"crash", std::to_string(seed + kill), phase_file});
    ASSERT_GT(child.pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    // Every other kill waits (a little) for a cache_clear to be under way.
    if (kill % 2 == 1) {
      const auto give_up = std::chrono::steady_clock::now() + 2s;
      while (*phase != 'c' && std::chrono::steady_clock::now() < give_up) {
      }
    }
    ::kill(child.pid, SIGKILL);
    const char killed_in = *phase;
    const testing::Finished finished = testing::finish(child, 10s);
    // Killed, not exited: an exit would mean a wrong value (1) or a bad start.
    ASSERT_EQ(finished.status, -1) << "the writer exited by itself: " << finished.output;
    ++killed_while[killed_in];
    if (kill % 10 == 9) expect_intact(path, "after kill " + std::to_string(kill + 1));
  }
  munmap(mapped, 1);
  std::printf("kills: %d while putting, %d while clearing, %d while starting\n", killed_while['p'],
              killed_while['c'], killed_while['i']);
  EXPECT_GT(killed_while['p'], 0);
  EXPECT_GT(killed_while['c'], 0);
  expect_intact(path, "after every kill");

  // Every value still stored reads back right, and the store still takes writes.
  const testing::Finished verify = testing::run_client(url, {"verify", "1000"});
  EXPECT_EQ(verify.status, 0) << verify.output;
  EXPECT_NE(verify.output.find("reliability::unbounded hits="), std::string::npos) << verify.output;
  expect_intact(path, "after the verifying run");
}

}  // namespace
}  // namespace picocache
