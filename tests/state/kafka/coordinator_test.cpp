// The Kafka group coordinator on its own, with timers the test fires by hand: joins, MEMBER_ID_REQUIRED,
// protocol selection, the leader's assignment, heartbeats, session and rebalance timeouts, leaving,
// commits by generation, and what the management API may and may not do to a group with members.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "state/errors.hpp"
#include "state/kafka/groups.hpp"

namespace {

using namespace emu::state;

// Timers that fire only when the test advances their clock.
class manual_timers final : public timer_service {
  public:
    std::uint64_t schedule(std::chrono::milliseconds after, std::function<void()> fire) override {
        const auto id = next_++;
        pending_.emplace(id, entry{now_ + after.count(), std::move(fire)});
        return id;
    }
    void cancel(std::uint64_t id) override { pending_.erase(id); }
    // Fires, in time order, every timer due by now + ms (and those they schedule within it).
    void advance(std::int64_t ms) {
        const auto until = now_ + ms;
        for (;;) {
            auto due = pending_.end();
            for (auto it = pending_.begin(); it != pending_.end(); ++it) {
                if (it->second.at <= until && (due == pending_.end() || it->second.at < due->second.at))
                    due = it;
            }
            if (due == pending_.end()) break;
            now_ = due->second.at;
            auto fire = std::move(due->second.fire);
            pending_.erase(due);
            fire();
        }
        now_ = until;
    }
    std::size_t pending() const { return pending_.size(); }

  private:
    struct entry {
        std::int64_t at;
        std::function<void()> fire;
    };
    std::map<std::uint64_t, entry> pending_;
    std::uint64_t next_ = 1;
    std::int64_t now_ = 0;
};

constexpr std::int32_t session_ms = 10000;
constexpr std::int32_t rebalance_ms = 30000;

class coordinator_test : public ::testing::Test {
  protected:
    std::shared_ptr<manual_timers> timers = std::make_shared<manual_timers>();
    std::shared_ptr<group_coordinator> groups =
        std::make_shared<group_coordinator>([] { return std::int64_t{1'700'000'000'000}; }, timers);

    join_group_request join_request(const std::string& member_id, const std::string& client,
                                    std::vector<std::string> protocols = {"range"}) {
        join_group_request r;
        r.group_id = "billing";
        r.member_id = member_id;
        r.client_id = client;
        r.client_host = "/127.0.0.1";
        r.session_timeout_ms = session_ms;
        r.rebalance_timeout_ms = rebalance_ms;
        r.protocol_type = "consumer";
        for (const auto& p : protocols) r.protocols.push_back({p, "meta-" + client + "-" + p});
        r.require_known_member_id = true;
        return r;
    }

    // Sends a JoinGroup; the result slot fills when the coordinator answers.
    std::shared_ptr<std::optional<join_group_result>> join(join_group_request r) {
        auto slot = std::make_shared<std::optional<join_group_result>>();
        groups->join(std::move(r), [slot](join_group_result result) { *slot = std::move(result); });
        return slot;
    }

    std::shared_ptr<std::optional<sync_group_result>> sync(
        const std::string& member, std::int32_t generation,
        std::vector<std::pair<std::string, std::string>> a = {}) {
        auto slot = std::make_shared<std::optional<sync_group_result>>();
        groups->sync(sync_group_request{"billing", generation, member, std::move(a)},
                     [slot](sync_group_result result) { *slot = std::move(result); });
        return slot;
    }

    // A member's first join: MEMBER_ID_REQUIRED with its id, then the join with it (answered or waiting).
    std::pair<std::string, std::shared_ptr<std::optional<join_group_result>>> join_new(
        const std::string& client, std::vector<std::string> protocols = {"range"}) {
        auto first = join(join_request("", client, protocols));
        EXPECT_TRUE(first->has_value());
        EXPECT_EQ((*first)->error, kafka_error::member_id_required);
        const auto id = (*first)->member_id;
        EXPECT_EQ(id.rfind(client + "-", 0), 0u) << id;
        return {id, join(join_request(id, client, protocols))};
    }

    group_state state() const { return groups->describe("billing")->state; }
};

TEST_F(coordinator_test, a_single_member_joins_syncs_and_is_stable) {
    auto [id, joined] = join_new("c1");
    ASSERT_TRUE(joined->has_value());
    EXPECT_EQ((*joined)->error, kafka_error::none);
    EXPECT_EQ((*joined)->generation_id, 1);
    EXPECT_EQ((*joined)->leader, id);
    EXPECT_EQ((*joined)->protocol_name, "range");
    ASSERT_EQ((*joined)->members.size(), 1u);
    EXPECT_EQ((*joined)->members[0].metadata, "meta-c1-range");
    EXPECT_EQ(state(), group_state::completing_rebalance);

    auto synced = sync(id, 1, {{id, "assignment-1"}});
    ASSERT_TRUE(synced->has_value());
    EXPECT_EQ((*synced)->error, kafka_error::none);
    EXPECT_EQ((*synced)->assignment, "assignment-1");
    const auto view = groups->describe("billing");
    EXPECT_EQ(view->state, group_state::stable);
    ASSERT_EQ(view->members.size(), 1u);
    EXPECT_EQ(view->members[0].client_id, "c1");
    EXPECT_EQ(view->members[0].client_host, "/127.0.0.1");
    EXPECT_EQ(view->members[0].assignment, "assignment-1");
    EXPECT_EQ(groups->heartbeat("billing", id, 1), kafka_error::none);
}

TEST_F(coordinator_test, a_second_member_rebalances_and_followers_wait_for_the_leader) {
    auto [first, joined] = join_new("c1");
    sync(first, 1, {{first, "a1"}});
    auto [second, waiting] = join_new("c2");
    EXPECT_FALSE(waiting->has_value()) << "waits for the first member to join again";
    EXPECT_EQ(state(), group_state::preparing_rebalance);
    EXPECT_EQ(groups->heartbeat("billing", first, 1), kafka_error::rebalance_in_progress);
    auto rejoined = join(join_request(first, "c1"));
    ASSERT_TRUE(rejoined->has_value() && waiting->has_value());
    EXPECT_EQ((*rejoined)->generation_id, 2);
    EXPECT_EQ((*waiting)->generation_id, 2);
    EXPECT_EQ((*rejoined)->leader, first);
    EXPECT_EQ((*rejoined)->members.size(), 2u);
    EXPECT_TRUE((*waiting)->members.empty()) << "only the leader gets the members";

    auto follower = sync(second, 2);
    EXPECT_FALSE(follower->has_value());
    auto leader = sync(first, 2, {{first, "p0"}, {second, "p1"}});
    ASSERT_TRUE(follower->has_value() && leader->has_value());
    EXPECT_EQ((*follower)->assignment, "p1");
    EXPECT_EQ((*leader)->assignment, "p0");
    EXPECT_EQ(state(), group_state::stable);
    EXPECT_EQ(groups->heartbeat("billing", second, 1), kafka_error::illegal_generation);
    EXPECT_EQ(groups->heartbeat("billing", "nobody", 2), kafka_error::unknown_member_id);
}

TEST_F(coordinator_test, the_common_protocol_is_chosen_and_an_inconsistent_one_refused) {
    auto [first, joined] = join_new("c1", {"roundrobin", "range"});
    sync(first, 1);
    auto [second, waiting] = join_new("c2", {"range", "roundrobin"});
    join(join_request(first, "c1", {"roundrobin", "range"}));
    ASSERT_TRUE(waiting->has_value());
    // One vote each: the tie goes to the first member's preference.
    EXPECT_EQ((*waiting)->protocol_name, "roundrobin");
    auto refused = join(join_request("", "c3", {"sticky"}));
    ASSERT_TRUE(refused->has_value());
    EXPECT_EQ((*refused)->error, kafka_error::inconsistent_group_protocol);
    EXPECT_EQ(groups->describe("billing")->members.size(), 2u);
}

TEST_F(coordinator_test, a_member_that_stops_heartbeating_is_removed_after_its_session_timeout) {
    auto [first, joined] = join_new("c1");
    sync(first, 1);
    auto [second, waiting] = join_new("c2");
    join(join_request(first, "c1"));
    sync(second, 2);
    sync(first, 2, {});
    ASSERT_EQ(state(), group_state::stable);
    // The first keeps heartbeating; the second does not.
    for (int i = 0; i < 4; ++i) {
        timers->advance(session_ms / 3);
        ASSERT_EQ(groups->heartbeat("billing", first, 2),
                  i < 3 ? kafka_error::none : kafka_error::rebalance_in_progress);
    }
    EXPECT_EQ(state(), group_state::preparing_rebalance);
    auto alone = join(join_request(first, "c1"));
    ASSERT_TRUE(alone->has_value());
    EXPECT_EQ((*alone)->generation_id, 3);
    EXPECT_EQ((*alone)->members.size(), 1u);
    EXPECT_EQ(groups->heartbeat("billing", second, 3), kafka_error::unknown_member_id);
}

TEST_F(coordinator_test, a_member_that_does_not_join_again_is_dropped_and_the_rebalance_ends_without_it) {
    auto [first, joined] = join_new("c1");
    sync(first, 1);
    auto [second, waiting] = join_new("c2");
    ASSERT_FALSE(waiting->has_value());
    // The first member neither heartbeats nor joins: its session ends, and the join phase with it.
    timers->advance(session_ms);
    ASSERT_TRUE(waiting->has_value());
    EXPECT_EQ((*waiting)->error, kafka_error::none);
    EXPECT_EQ((*waiting)->leader, second) << "the old leader is gone: the new member leads";
    EXPECT_EQ((*waiting)->members.size(), 1u);
    EXPECT_EQ(groups->describe("billing")->members.size(), 1u);
}

TEST_F(coordinator_test, leaving_rebalances_and_the_last_member_leaves_an_empty_group) {
    auto [first, joined] = join_new("c1");
    sync(first, 1);
    auto [second, waiting] = join_new("c2");
    join(join_request(first, "c1"));
    sync(first, 2, {});
    sync(second, 2);
    EXPECT_EQ(groups->leave("billing", {second, "ghost"}),
              (std::vector<kafka_error>{kafka_error::none, kafka_error::unknown_member_id}));
    EXPECT_EQ(state(), group_state::preparing_rebalance);
    auto again = join(join_request(first, "c1"));
    ASSERT_TRUE(again->has_value());
    EXPECT_EQ((*again)->generation_id, 3);
    EXPECT_EQ(groups->leave("billing", {first}), std::vector<kafka_error>{kafka_error::none});
    EXPECT_EQ(state(), group_state::empty);
    EXPECT_EQ(timers->pending(), 0u) << "no timer outlives the members";
}

TEST_F(coordinator_test, a_waiting_follower_sync_learns_of_a_new_rebalance) {
    auto [first, joined] = join_new("c1");
    sync(first, 1);
    auto [second, waiting] = join_new("c2");
    join(join_request(first, "c1"));
    auto follower = sync(second, 2);
    ASSERT_FALSE(follower->has_value());
    auto [third, third_join] = join_new("c3");
    ASSERT_TRUE(follower->has_value());
    EXPECT_EQ((*follower)->error, kafka_error::rebalance_in_progress);
}

TEST_F(coordinator_test, commits_follow_the_generation_and_simple_commits_need_an_empty_group) {
    const offset_commit_entry entry{"orders", 0, 42, "m"};
    EXPECT_EQ(groups->commit("fresh", "", -1, {entry}), kafka_error::none) << "makes the group";
    EXPECT_EQ(groups->committed("fresh").at(0).offset, 42);
    EXPECT_EQ(groups->commit("other", "x", 3, {entry}), kafka_error::illegal_generation);
    EXPECT_FALSE(groups->contains("other"));

    auto [id, joined] = join_new("c1");
    EXPECT_EQ(groups->commit("billing", id, 1, {entry}), kafka_error::rebalance_in_progress)
        << "CompletingRebalance";
    sync(id, 1);
    EXPECT_EQ(groups->commit("billing", id, 0, {entry}), kafka_error::illegal_generation);
    EXPECT_EQ(groups->commit("billing", "", -1, {entry}), kafka_error::unknown_member_id);
    EXPECT_EQ(groups->commit("billing", id, 1, {{"orders", 1, -1, std::nullopt}}), kafka_error::none)
        << "negative offsets are kept as given";
    const auto committed = groups->committed("billing");
    ASSERT_EQ(committed.size(), 1u);
    EXPECT_EQ(committed[0].offset, -1);
    EXPECT_EQ(groups->commit("billing", id, 1, {{"orders", 1, 5, std::string(5000, 'x')}}),
              kafka_error::offset_metadata_too_large);
}

TEST_F(coordinator_test, the_management_api_refuses_a_group_with_members) {
    groups->create("billing", std::string("desc"));
    EXPECT_THROW(groups->create("billing", std::nullopt), error);
    auto [id, joined] = join_new("c1");
    EXPECT_EQ(groups->remove("billing"), kafka_error::non_empty_group);
    try {
        groups->set_offsets("billing", {{"orders", 0, 1}});
        FAIL() << "set_offsets on an active group";
    } catch (const error& e) {
        EXPECT_EQ(e.code(), errc::group_not_empty);
    }
    EXPECT_TRUE(groups->committed("billing").empty()) << "nothing changed";
    groups->leave("billing", {id});
    groups->set_offsets("billing", {{"orders", 0, 1}});
    EXPECT_EQ(groups->committed("billing").at(0).offset, 1);
    EXPECT_EQ(groups->describe("billing")->description, "desc");
    EXPECT_EQ(groups->remove("billing"), kafka_error::none);
    EXPECT_EQ(groups->remove("billing"), kafka_error::group_id_not_found);
}

TEST_F(coordinator_test, bad_joins_get_kafka_errors_and_leave_no_trace) {
    auto r = join_request("", "c1");
    r.session_timeout_ms = 10;
    EXPECT_EQ((*join(r))->error, kafka_error::invalid_session_timeout);
    r = join_request("", "c1");
    r.group_id.clear();
    EXPECT_EQ((*join(r))->error, kafka_error::invalid_group_id);
    r = join_request("", "c1");
    r.protocols.clear();
    EXPECT_EQ((*join(r))->error, kafka_error::inconsistent_group_protocol);
    EXPECT_EQ((*join(join_request("made-up", "c1")))->error, kafka_error::unknown_member_id);
    EXPECT_FALSE(groups->contains("billing"));
}

TEST_F(coordinator_test, a_join_storm_is_bounded_and_unclaimed_ids_expire) {
    group_limits limits;
    limits.max_members = 5;
    groups = std::make_shared<group_coordinator>([] { return std::int64_t{0}; }, timers, limits);
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ((*join(join_request("", "c")))->error, kafka_error::member_id_required);
    EXPECT_EQ((*join(join_request("", "c")))->error, kafka_error::group_max_size_reached);
    timers->advance(session_ms);
    EXPECT_EQ((*join(join_request("", "c")))->error, kafka_error::member_id_required)
        << "ids never used are forgotten after a session timeout";
}

TEST_F(coordinator_test, first_joins_to_ever_new_groups_leave_nothing_once_their_ids_expire) {
    groups->create("kept", std::nullopt);
    for (int i = 0; i < 50; ++i) {
        auto r = join_request("", "c");
        r.group_id = "storm-" + std::to_string(i);
        EXPECT_EQ((*join(r))->error, kafka_error::member_id_required);
    }
    auto r = join_request("", "c");
    r.group_id = "kept";
    EXPECT_EQ((*join(r))->error, kafka_error::member_id_required);
    EXPECT_EQ(groups->list().size(), 51u);
    timers->advance(session_ms);
    const auto left = groups->list();
    ASSERT_EQ(left.size(), 1u) << "only the group made through the management API stays";
    EXPECT_EQ(left[0].group_id, "kept");
    EXPECT_EQ(timers->pending(), 0u);
}

TEST_F(coordinator_test, a_group_too_large_for_its_record_gets_unknown_server_error_and_keeps_its_state) {
    group_limits limits;
    limits.max_group_bytes = 100;
    groups = std::make_shared<group_coordinator>([] { return std::int64_t{0}; }, timers, limits);
    auto first = join(join_request("", "c1"));
    const auto id = (*first)->member_id;
    auto big = join_request(id, "c1");
    big.protocols[0].metadata.assign(200, 'm');
    EXPECT_EQ((*join(big))->error, kafka_error::unknown_server_error)
        << "a join whose metadata cannot be kept";
    EXPECT_EQ(state(), group_state::empty);

    auto joined = join(join_request(id, "c1"));  // the same id, small metadata: still valid
    ASSERT_EQ((*joined)->error, kafka_error::none);
    EXPECT_EQ((*joined)->generation_id, 1);
    auto refused = sync(id, 1, {{id, std::string(200, 'a')}});
    ASSERT_TRUE(refused->has_value());
    EXPECT_EQ((*refused)->error, kafka_error::unknown_server_error) << "the leader's assignment is too large";
    EXPECT_EQ(state(), group_state::preparing_rebalance);
    EXPECT_EQ(groups->describe("billing")->members[0].assignment, "");

    auto again = join(join_request(id, "c1"));
    ASSERT_EQ((*again)->error, kafka_error::none);
    EXPECT_EQ((*again)->generation_id, 2);
    EXPECT_EQ((*sync(id, 2, {{id, "small"}}))->error, kafka_error::none);
    EXPECT_EQ(state(), group_state::stable);

    EXPECT_EQ((*join(big))->error, kafka_error::unknown_server_error) << "a known member's rejoin, too";
    const auto view = groups->describe("billing");
    EXPECT_EQ(view->state, group_state::stable);
    EXPECT_EQ(view->generation_id, 2);
    EXPECT_EQ(view->members[0].assignment, "small");
    EXPECT_EQ(groups->heartbeat("billing", id, 2), kafka_error::none);
}

}  // namespace
