#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "state/errors.hpp"

// The consumer groups of the DIS Kafka adapter: the app is the group, its members are the adapter's
// consumers (client ids), and the service, not a group leader, assigns the partitions. These are the
// facts and rules alone, with no lock: the DIS store keeps one group per app behind a mutex of its own
// and resolves what the members name against the project's streams.
namespace emu::state {

// Where the group is. EMPTY: no members. JOINING: a rebalance is under way, the members are asked to
// (re)join. SYNCING: the assignment of the current generation is made, some members have yet to fetch it.
// STABLE: every member holds the current generation's assignment.
enum class group_phase { empty, joining, syncing, stable };

// What the answers tell a member to do next, in the adapter's words (HeartbeatResponse, JoinGroupResponse
// and SyncGroupResponse states; the emulator never answers ERROR or REJOIN to a join).
enum class heartbeat_state { joining, syncing, stable, group_not_exist };
enum class join_state { ok, err_subscription, group_not_exist };
enum class sync_state { ok, waiting, rejoin, group_not_exist };

inline constexpr std::int64_t no_generation = -1;
inline constexpr std::int64_t default_rebalance_timeout_ms = 20'000;

// One stream a member subscribed to: the stream's name, and the key the member knows it by (the name, or
// the stream id when it subscribed by id), which its assignment is keyed by.
struct subscribed_stream {
    std::string stream_name;
    std::string key;
    auto operator<=>(const subscribed_stream&) const = default;
};

// stream key -> partition indices, ascending
using group_assignment = std::map<std::string, std::vector<std::int32_t>>;

// The readable (not expired) partitions of a stream, ascending; empty when the stream does not exist.
using readable_partitions_fn = std::function<std::vector<std::int32_t>(const std::string& stream_name)>;

struct member_join {
    std::string client_id;
    std::vector<subscribed_stream> subscription;  // resolved, without duplicates
    std::int64_t rebalance_timeout_ms = default_rebalance_timeout_ms;
};

struct join_result {
    join_state state = join_state::ok;
    std::vector<std::string> subscription;  // the stream keys the member is subscribed to
    std::int64_t sync_delay_ms = 0;
};

struct sync_result {
    sync_state state = sync_state::ok;
    std::int64_t generation = no_generation;
    group_assignment assignment;  // set when state is ok
};

struct group_member_view {
    std::string client_id;
    std::vector<std::string> subscription;  // stream keys
    std::int64_t rebalance_timeout_ms = 0;
    std::int64_t last_seen = 0;                      // ms, the member's last heartbeat, join or sync
    std::int64_t synced_generation = no_generation;  // the last generation whose assignment it fetched
    group_assignment assignment;                     // in the current generation
};

struct group_view {
    group_phase phase = group_phase::empty;
    std::int64_t generation = 0;
    std::vector<group_member_view> members;  // sorted by client id
};

// One group's membership and assignment. Not thread-safe: the caller locks. Every call takes the time and
// first settles what time has decided (lazy expiry, as retention is applied):
// - a member silent for longer than its rebalance timeout is removed, and the others rebalance;
// - a rebalance whose deadline (its start plus the largest rebalance timeout) has passed goes ahead with
//   the members that rejoined, and the others are removed;
// - a change in the readable partitions of a subscribed stream (scaling, expiry, deletion) starts a
//   rebalance.
// A rebalance completes as soon as every member has joined: the generation goes up by one and the
// partitions are assigned by range, stream by stream, over the members subscribed to it in client-id order.
class consumer_group {
  public:
    heartbeat_state heartbeat(const std::string& client_id, std::int64_t generation, std::int64_t now,
                              const readable_partitions_fn& partitions);
    // A join while no rebalance is under way starts one; during one, it adds the member to it.
    join_result join(member_join join, std::int64_t now, const readable_partitions_fn& partitions);
    sync_result sync(const std::string& client_id, std::int64_t now,
                     const readable_partitions_fn& partitions);
    // Removes the member (nothing when it is unknown); the others rebalance.
    void leave(const std::string& client_id, std::int64_t now, const readable_partitions_fn& partitions);
    // Why a commit from this member is refused, or nullopt when it may commit: consumer_member_not_found
    // for a client that is not a member, consumer_rebalance_in_progress while it has not fetched the
    // current generation's assignment, consumer_generation_stale when `generation` is not the current one.
    std::optional<error> commit_refusal(const std::string& client_id, std::optional<std::int64_t> generation,
                                        std::int64_t now, const readable_partitions_fn& partitions);
    group_view view(std::int64_t now, const readable_partitions_fn& partitions);

    std::size_t size() const { return members_.size(); }
    bool has_member(const std::string& client_id) const { return members_.contains(client_id); }

  private:
    struct member {
        std::vector<subscribed_stream> subscription;
        std::int64_t rebalance_timeout_ms = default_rebalance_timeout_ms;
        std::int64_t last_seen = 0;
        bool joined = false;  // has joined the rebalance under way
        std::int64_t synced_generation = no_generation;
    };

    void settle(std::int64_t now, const readable_partitions_fn& partitions);
    void start_rebalance(std::int64_t now);
    void complete_if_all_joined(const readable_partitions_fn& partitions);
    void complete_rebalance(const readable_partitions_fn& partitions);
    std::map<std::string, std::vector<std::int32_t>> readable_basis(
        const readable_partitions_fn& partitions) const;
    void become_empty();

    group_phase phase_ = group_phase::empty;
    std::int64_t generation_ = 0;
    std::int64_t rebalance_started_ = 0;
    std::int64_t rebalance_deadline_ = 0;
    std::map<std::string, member> members_;             // by client id
    std::map<std::string, group_assignment> assigned_;  // the current generation's, by client id
    // stream name -> the readable partitions the current generation's assignment was made from
    std::map<std::string, std::vector<std::int32_t>> basis_;
};

// The names among `names` that the whole of `pattern` matches (ECMAScript syntax, which covers the
// patterns a Java Pattern usually holds), or nullopt when the pattern is not a valid, bounded one.
std::optional<std::vector<std::string>> match_stream_pattern(const std::string& pattern,
                                                             const std::vector<std::string>& names);

inline constexpr std::size_t max_stream_pattern_length = 256;

}  // namespace emu::state
