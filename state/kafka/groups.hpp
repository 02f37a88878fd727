#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kafka/protocol/error_codes.hpp"
#include "state/clock.hpp"
#include "state/kafka/types.hpp"
#include "state/timers.hpp"

// One instance's Kafka group coordinator (the classic group protocol of Kafka's GroupCoordinator): members
// join, the leader's assignment is handed to every member, heartbeats keep them, a join, a leave or an
// expiry rebalances the group, and the group keeps its committed offsets. The REST group routes read the
// same groups. Kafka's errors are answered as its error codes; what only REST does (create, describe for
// the console views, resets) throws state::error.
namespace emu::state {

using kafka_error = kafka::protocol::error_code;

// Kafka's names, as DescribeGroups and the ShowGroups view give them: "Empty", "PreparingRebalance", ...
std::string_view group_state_name(group_state state);
// The management API's list spelling: "EMPTY", "PREPARING_REBALANCE", ...
std::string_view group_state_upper(group_state state);

struct group_protocol {
    std::string name;
    std::string metadata;
};

struct join_group_request {
    std::string group_id;
    std::string member_id;  // empty: a member new to the group
    std::string client_id;
    std::string client_host;  // as Kafka gives it: "/127.0.0.1"
    std::int32_t session_timeout_ms = 0;
    std::int32_t rebalance_timeout_ms = 0;  // JoinGroup v0: the session timeout
    std::string protocol_type;
    std::vector<group_protocol> protocols;
    // JoinGroup v4+: a new member gets its id with MEMBER_ID_REQUIRED and joins again with it (KIP-394).
    bool require_known_member_id = false;
};

struct join_group_member {
    std::string member_id;
    std::string metadata;  // of the protocol chosen
};

struct join_group_result {
    kafka_error error = kafka_error::none;
    std::int32_t generation_id = -1;
    std::string protocol_name;
    std::string leader;
    std::string member_id;
    std::vector<join_group_member> members;  // for the leader only
};

struct sync_group_request {
    std::string group_id;
    std::int32_t generation_id = -1;
    std::string member_id;
    std::vector<std::pair<std::string, std::string>> assignments;  // the leader's: member id -> bytes
};

struct sync_group_result {
    kafka_error error = kafka_error::none;
    std::string assignment;
};

struct offset_commit_entry {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::optional<std::string> metadata;
};

// One committed offset with its metadata, as OffsetFetch answers it.
struct committed_entry {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = -1;
    std::string metadata;
};

// A group as DescribeGroups and the REST views see it.
struct kafka_member_view {
    std::string member_id;
    std::string client_id;
    std::string client_host;
    std::string metadata;    // of the chosen protocol
    std::string assignment;  // what the leader assigned it, as bytes
};

struct kafka_group_view {
    std::string group_id;
    group_state state = group_state::dead;
    std::string protocol_type;
    std::string protocol;  // chosen; empty without members
    std::int32_t generation_id = 0;
    std::string leader;
    std::vector<kafka_member_view> members;  // in joining order
    std::optional<std::string> description;
    std::int64_t created_at = 0;
};

struct group_limits {
    // Kafka's group.min.session.timeout.ms and group.max.session.timeout.ms.
    std::int32_t min_session_timeout_ms = 6000;
    std::int32_t max_session_timeout_ms = 1800000;
    // group.initial.rebalance.delay.ms: Kafka's default is 3000, 0 "during development and testing".
    std::int32_t initial_rebalance_delay_ms = 0;
    // offset.metadata.max.bytes.
    std::size_t max_offset_metadata = 4096;
    // Members (and members waiting to rejoin with their new id) one group may hold: Kafka's group.max.size
    // is unbounded by default; the emulator bounds memory against a join storm.
    std::size_t max_members = 1000;
    // The bytes of its members' protocol metadata and assignments one group may hold: Kafka writes a group
    // as one record of its __consumer_offsets topic, which message.max.bytes bounds (1048588 by default),
    // and answers UNKNOWN_SERVER_ERROR to the join or the leader's sync whose record would not fit.
    std::size_t max_group_bytes = 1048588;
};

class group_coordinator : public std::enable_shared_from_this<group_coordinator> {
  public:
    using join_reply = std::function<void(join_group_result)>;
    using sync_reply = std::function<void(sync_group_result)>;

    // `clock`: wall time for creation times; `timers` (none: members never expire and a rebalance waits
    // for every member) run the session, rebalance and initial-delay timeouts.
    group_coordinator(clock_fn clock, std::shared_ptr<timer_service> timers, group_limits limits = {});
    ~group_coordinator();
    group_coordinator(const group_coordinator&) = delete;
    group_coordinator& operator=(const group_coordinator&) = delete;

    // The group protocol. Replies may come at once, on this thread, or later from a timer's or another
    // member's thread; each is called exactly once, with no lock of the coordinator held.
    void join(join_group_request request, join_reply reply);
    void sync(sync_group_request request, sync_reply reply);
    kafka_error heartbeat(const std::string& group_id, const std::string& member_id, std::int32_t generation);
    // One error per member named.
    std::vector<kafka_error> leave(const std::string& group_id, const std::vector<std::string>& member_ids);
    // Kafka's commit rules: generation -1 with no member id commits for a group without members (and makes
    // the group when there is none); a member commits in its generation, also while the group prepares a
    // rebalance. The caller has checked each partition exists. One error for all entries.
    kafka_error commit(const std::string& group_id, const std::string& member_id, std::int32_t generation,
                       const std::vector<offset_commit_entry>& entries);
    // Every committed offset of the group (none for an unknown group), sorted by topic and partition.
    std::vector<committed_entry> committed(const std::string& group_id) const;
    std::optional<kafka_group_view> describe(const std::string& group_id) const;
    std::vector<kafka_group_view> list() const;  // sorted by id
    // DeleteGroups: NON_EMPTY_GROUP with members, GROUP_ID_NOT_FOUND without the group.
    kafka_error remove(const std::string& group_id);

    // The management API.
    kafka_group_view create(const std::string& group_id, std::optional<std::string> description);
    void describe_as(const std::string& group_id, std::optional<std::string> description);
    // Throws group_not_found or group_not_empty.
    void erase(const std::string& group_id);
    // Throws group_not_found or group_not_empty; then sets the offsets given.
    void require_empty(const std::string& group_id) const;
    void set_offsets(const std::string& group_id, const std::vector<committed_offset>& offsets);
    // A deleted topic takes every group's offsets for it.
    void forget_topic(const std::string& topic);
    // Groups with an offset committed on the topic, sorted.
    std::vector<std::string> committed_on(const std::string& topic) const;
    void restore(const group_snapshot& snapshot);
    std::vector<group_snapshot> snapshot() const;
    bool contains(const std::string& group_id) const;

    // For the metrics: rebalances completed, and members now.
    std::uint64_t rebalances() const;
    std::size_t members() const;

  private:
    struct member;
    struct group;
    using later = std::vector<std::function<void()>>;

    // Callers hold mutex_.
    group& find_or_add(const std::string& group_id);
    void prepare_rebalance(group& g, later& out);
    void maybe_complete_join(group& g, later& out);
    void complete_join(group& g, later& out);
    void remove_member(group& g, const std::string& member_id, later& out);
    void watch_member(group& g, member& m);
    // Whether the group's record, with these assignments from its leader, stays within max_group_bytes.
    bool fits(const group& g, const std::vector<std::pair<std::string, std::string>>& assignments) const;
    void on_member_timer(const std::string& group_id, const std::string& member_id, std::uint64_t timer);
    void on_join_timer(const std::string& group_id, std::uint64_t timer);
    void on_pending_timer(const std::string& group_id, const std::string& member_id, std::uint64_t timer);
    std::uint64_t schedule(std::chrono::milliseconds after, std::function<void(group_coordinator&)> fire);
    void cancel(std::uint64_t& timer);
    std::string new_member_id(const std::string& client_id);

    clock_fn clock_;
    std::shared_ptr<timer_service> timers_;
    group_limits limits_;
    mutable std::mutex mutex_;  // guards everything below; never held while a reply or a timer runs
    std::map<std::string, std::unique_ptr<group>> groups_;
    std::uint64_t rebalances_ = 0;
    std::uint64_t next_member_ = 1;
};

}  // namespace emu::state
