// Redis Cluster routing (redis_cluster.hpp), without a server: CRC16 against the cluster
// specification's vector, hash tags as the specification's examples, slot values as
// `CLUSTER KEYSLOT` gives them, redirection replies, and slot maps from CLUSTER SLOTS replies.
#include "stores/redis_cluster.hpp"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <string>

namespace picocache::redis {
namespace {

TEST(RedisCluster, Crc16IsTheSpecificationsXmodem) {
  EXPECT_EQ(crc16("123456789"), 0x31C3);  // the specification's test vector
  EXPECT_EQ(crc16(""), 0);
}

TEST(RedisCluster, SlotsMatchClusterKeyslot) {
  // Values from `CLUSTER KEYSLOT` on Redis 7.
  EXPECT_EQ(key_slot("123456789"), 0x31C3 % 16384);
  EXPECT_EQ(key_slot("foo"), 12182);
  EXPECT_EQ(key_slot("bar"), 5061);
  EXPECT_EQ(key_slot("hello"), 866);
}

TEST(RedisCluster, HashTagsFollowTheSpecification) {
  EXPECT_EQ(key_slot("{user1000}.following"), key_slot("{user1000}.followers"));
  EXPECT_EQ(key_slot("{user1000}.following"), key_slot("user1000"));
  EXPECT_EQ(key_slot("foo{}{bar}"), crc16("foo{}{bar}") % 16384);  // empty tag: the whole key
  EXPECT_EQ(key_slot("foo{{bar}}zap"), key_slot("{bar"));          // the first { to the next }
  EXPECT_EQ(key_slot("foo{bar}{zap}"), key_slot("bar"));           // only the first tag
  EXPECT_EQ(key_slot("no-close{tag"), crc16("no-close{tag") % 16384);
  // Every key of a function shares its slot.
  const std::string id = "0123456789abcdef0123456789abcdef";
  const std::uint16_t slot = key_slot(id);
  for (const char* tail : {":gen", ":name", ":old", ":g17:lru", ":g17:v:00ff", ":lease:00ff"}) {
    EXPECT_EQ(key_slot("picocache:{" + id + "}" + tail), slot) << tail;
  }
}

TEST(RedisCluster, RedirectionsAreParsed) {
  Redirection moved = parse_redirection("MOVED 3999 127.0.0.1:6381");
  EXPECT_EQ(moved.kind, Redirection::moved);
  EXPECT_EQ(moved.slot, 3999);
  EXPECT_EQ(moved.node, (NodeAddress{"127.0.0.1", 6381}));
  Redirection ask = parse_redirection("ASK 12182 [::1]:7002");
  EXPECT_EQ(ask.kind, Redirection::ask);
  EXPECT_EQ(ask.slot, 12182);
  EXPECT_EQ(ask.node, (NodeAddress{"::1", 7002}));
  EXPECT_EQ(ask.node.text(), "[::1]:7002");
  EXPECT_EQ(parse_redirection("TRYAGAIN Multiple keys request during rehashing of slot").kind,
            Redirection::try_again);
  EXPECT_EQ(parse_redirection("ERR Script attempted to access a non local key in a cluster node "
                              "script: 0af5, on @user_script:32.")
                .kind,
            Redirection::try_again);
  EXPECT_EQ(parse_redirection("ERR unknown command").kind, Redirection::none);
  EXPECT_EQ(parse_redirection("MOVED 99999 127.0.0.1:6381").kind, Redirection::none);
  EXPECT_EQ(parse_redirection("MOVED 1 127.0.0.1").kind, Redirection::none);
  EXPECT_EQ(parse_redirection("MOVED 1 127.0.0.1:0").kind, Redirection::none);
  EXPECT_EQ(parse_redirection("MOVED x 127.0.0.1:1").kind, Redirection::none);
}

// A CLUSTER SLOTS reply built by hand: [[first, last, [host, port, id]], ...].
class SlotsReply {
 public:
  void range(long long first, long long last, const char* host, long long port) {
    ranges_.push_back({first, last, host, port});
  }
  redisReply* build() {
    top_ = make(REDIS_REPLY_ARRAY);
    top_->elements = ranges_.size();
    top_->element = new redisReply*[ranges_.size()];
    for (std::size_t i = 0; i < ranges_.size(); ++i) {
      redisReply* range = make(REDIS_REPLY_ARRAY);
      range->elements = 3;
      range->element = new redisReply*[3];
      range->element[0] = integer(ranges_[i].first);
      range->element[1] = integer(ranges_[i].last);
      redisReply* node = make(REDIS_REPLY_ARRAY);
      node->elements = 2;
      node->element = new redisReply*[2];
      node->element[0] = make(REDIS_REPLY_STRING);
      node->element[0]->str = const_cast<char*>(ranges_[i].host);
      node->element[0]->len = std::char_traits<char>::length(ranges_[i].host);
      node->element[1] = integer(ranges_[i].port);
      range->element[2] = node;
      top_->element[i] = range;
    }
    return top_;
  }
  ~SlotsReply() {
    for (redisReply* reply : made_) {
      if (reply->type == REDIS_REPLY_ARRAY) delete[] reply->element;
      delete reply;
    }
  }

 private:
  struct Range {
    long long first, last;
    const char* host;
    long long port;
  };
  redisReply* make(int type) {
    auto* reply = new redisReply{};
    reply->type = type;
    made_.push_back(reply);
    return reply;
  }
  redisReply* integer(long long value) {
    redisReply* reply = make(REDIS_REPLY_INTEGER);
    reply->integer = value;
    return reply;
  }
  std::vector<Range> ranges_;
  std::vector<redisReply*> made_;
  redisReply* top_ = nullptr;
};

TEST(RedisCluster, ASlotMapRoutesEverySlotToItsMaster) {
  SlotsReply reply;
  reply.range(0, 5460, "127.0.0.1", 7000);
  reply.range(5461, 10922, "", 7001);  // no host announced: the one asked
  reply.range(10923, 16383, "127.0.0.1", 7002);
  const auto map = SlotMap::from_cluster_slots(*reply.build(), "10.0.0.9");
  ASSERT_TRUE(map);
  EXPECT_EQ(*map->master_of(0), (NodeAddress{"127.0.0.1", 7000}));
  EXPECT_EQ(*map->master_of(5461), (NodeAddress{"10.0.0.9", 7001}));
  EXPECT_EQ(*map->master_of(16383), (NodeAddress{"127.0.0.1", 7002}));
  EXPECT_EQ(map->masters().size(), 3u);
  SlotMap moved = *map;
  moved.assign(0, NodeAddress{"127.0.0.1", 7002});
  EXPECT_EQ(*moved.master_of(0), (NodeAddress{"127.0.0.1", 7002}));
  EXPECT_EQ(*moved.master_of(1), (NodeAddress{"127.0.0.1", 7000}));
}

TEST(RedisCluster, AGapOrABadReplyIsNoMap) {
  SlotsReply gap;
  gap.range(0, 100, "127.0.0.1", 7000);
  const auto partial = SlotMap::from_cluster_slots(*gap.build(), "127.0.0.1");
  ASSERT_TRUE(partial);
  EXPECT_EQ(partial->master_of(101), nullptr);
  SlotsReply bad;
  bad.range(10, 5, "127.0.0.1", 7000);
  EXPECT_FALSE(SlotMap::from_cluster_slots(*bad.build(), "127.0.0.1"));
  SlotsReply none;
  EXPECT_FALSE(SlotMap::from_cluster_slots(*none.build(), "127.0.0.1"));
}

}  // namespace
}  // namespace picocache::redis
