// The DIS Kafka adapter's consumer groups: the state machine on its own (consumer_group, a hand-made
// partition list) and through the store (subscriptions resolved against streams, commits, apps).
#include "state/dis/groups.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <latch>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "state/dis/store.hpp"
#include "state/errors.hpp"
#include "tests/state/state_test_support.hpp"

namespace emu::state {

void PrintTo(heartbeat_state s, std::ostream* os) {
    constexpr const char* names[] = {"JOINING", "SYNCING", "STABLE", "GROUP_NOT_EXIST"};
    *os << names[static_cast<int>(s)];
}
void PrintTo(join_state s, std::ostream* os) {
    constexpr const char* names[] = {"OK", "ERR_SUBSCRIPTION", "GROUP_NOT_EXIST"};
    *os << names[static_cast<int>(s)];
}
void PrintTo(sync_state s, std::ostream* os) {
    constexpr const char* names[] = {"OK", "WAITING", "REJOIN", "GROUP_NOT_EXIST"};
    *os << names[static_cast<int>(s)];
}
void PrintTo(group_phase p, std::ostream* os) {
    constexpr const char* names[] = {"EMPTY", "JOINING", "SYNCING", "STABLE"};
    *os << names[static_cast<int>(p)];
}

}  // namespace emu::state

namespace {

using namespace emu::state;
using emu::state::testing::fake_clock;
using emu::state::testing::start_ms;
using emu::state::testing::throws_errc;

const std::string last_read = "LAST_READ";
const std::string project = "0123456789abcdef0123456789abcdef";

// The group alone: streams are a map the test edits, the clock a number it moves.
class group_machine : public ::testing::Test {
  protected:
    consumer_group group;
    std::map<std::string, std::vector<std::int32_t>> streams{{"orders", {0, 1, 2}}, {"audit", {0, 1}}};
    std::int64_t now = start_ms;
    readable_partitions_fn partitions = [this](const std::string& name) {
        const auto it = streams.find(name);
        return it == streams.end() ? std::vector<std::int32_t>{} : it->second;
    };

    join_result join(const std::string& client, std::vector<std::string> names = {"orders"},
                     std::int64_t timeout = default_rebalance_timeout_ms) {
        member_join j{client, {}, timeout};
        for (auto& name : names) j.subscription.push_back({name, name});
        return group.join(std::move(j), now, partitions);
    }
    heartbeat_state heartbeat(const std::string& client, std::int64_t generation) {
        return group.heartbeat(client, generation, now, partitions);
    }
    sync_result sync(const std::string& client) { return group.sync(client, now, partitions); }

    // Heartbeat, join, sync and heartbeat again for a lone first member, as the adapter does.
    std::int64_t join_alone(const std::string& client) {
        EXPECT_EQ(heartbeat(client, no_generation), heartbeat_state::joining);
        EXPECT_EQ(join(client).state, join_state::ok);
        const auto synced = sync(client);
        EXPECT_EQ(synced.state, sync_state::ok);
        EXPECT_EQ(heartbeat(client, synced.generation), heartbeat_state::stable);
        return synced.generation;
    }
};

TEST_F(group_machine, a_lone_member_joins_syncs_and_gets_every_partition) {
    EXPECT_EQ(group.view(now, partitions).phase, group_phase::empty);
    EXPECT_EQ(heartbeat("consumer-a", no_generation), heartbeat_state::joining);
    EXPECT_EQ(group.size(), 0U) << "a heartbeat never makes a member";

    const auto joined = join("consumer-a");
    EXPECT_EQ(joined.state, join_state::ok);
    EXPECT_EQ(joined.subscription, std::vector<std::string>{"orders"});
    EXPECT_EQ(joined.sync_delay_ms, 0);
    EXPECT_EQ(group.view(now, partitions).phase, group_phase::syncing) << "the only member has joined";
    EXPECT_EQ(heartbeat("consumer-a", no_generation), heartbeat_state::syncing);

    const auto synced = sync("consumer-a");
    EXPECT_EQ(synced.state, sync_state::ok);
    EXPECT_EQ(synced.generation, 1);
    EXPECT_EQ(synced.assignment, (group_assignment{{"orders", {0, 1, 2}}}));
    EXPECT_EQ(heartbeat("consumer-a", 1), heartbeat_state::stable);

    const auto view = group.view(now, partitions);
    EXPECT_EQ(view.phase, group_phase::stable);
    EXPECT_EQ(view.generation, 1);
    ASSERT_EQ(view.members.size(), 1U);
    EXPECT_EQ(view.members[0].client_id, "consumer-a");
    EXPECT_EQ(view.members[0].synced_generation, 1);
    EXPECT_EQ(view.members[0].assignment, synced.assignment);
}

TEST_F(group_machine, a_second_member_rebalances_the_group_in_adapter_order) {
    ASSERT_EQ(join_alone("consumer-b"), 1);

    // a joins: the group rebalances, a waits for b to rejoin.
    EXPECT_EQ(heartbeat("consumer-a", no_generation), heartbeat_state::joining);
    EXPECT_EQ(join("consumer-a").state, join_state::ok);
    EXPECT_EQ(sync("consumer-a").state, sync_state::waiting);
    EXPECT_EQ(heartbeat("consumer-a", no_generation), heartbeat_state::syncing);
    EXPECT_EQ(group.view(now, partitions).phase, group_phase::joining);

    // b learns of it at its next heartbeat, rejoins, and completes the rebalance.
    EXPECT_EQ(heartbeat("consumer-b", 1), heartbeat_state::joining);
    EXPECT_EQ(sync("consumer-b").state, sync_state::rejoin) << "b has not joined this rebalance";
    EXPECT_EQ(join("consumer-b").state, join_state::ok);
    const auto b = sync("consumer-b");
    EXPECT_EQ(b.state, sync_state::ok);
    EXPECT_EQ(b.generation, 2);
    // Range assignment over the members in client-id order: a before b, a gets the extra partition.
    EXPECT_EQ(b.assignment, (group_assignment{{"orders", {2}}}));
    EXPECT_EQ(heartbeat("consumer-b", 2), heartbeat_state::stable) << "b holds the current assignment";
    EXPECT_EQ(group.view(now, partitions).phase, group_phase::syncing) << "a has not fetched its own";

    EXPECT_EQ(heartbeat("consumer-a", no_generation), heartbeat_state::syncing);
    const auto a = sync("consumer-a");
    EXPECT_EQ(a.generation, 2);
    EXPECT_EQ(a.assignment, (group_assignment{{"orders", {0, 1}}}));
    EXPECT_EQ(heartbeat("consumer-a", 2), heartbeat_state::stable);
    EXPECT_EQ(group.view(now, partitions).phase, group_phase::stable);
}

TEST_F(group_machine, streams_are_assigned_by_range_among_their_own_subscribers) {
    streams["orders"] = {0, 1, 2, 3, 4};
    EXPECT_EQ(join("c2", {"orders"}).state, join_state::ok);
    EXPECT_EQ(sync("c2").generation, 1);
    EXPECT_EQ(join("c1", {"orders", "audit"}).state, join_state::ok);
    EXPECT_EQ(join("c3", {"orders"}).state, join_state::ok);
    EXPECT_EQ(join("c2", {"orders"}).state, join_state::ok);

    EXPECT_EQ(sync("c1").assignment, (group_assignment{{"audit", {0, 1}}, {"orders", {0, 1}}}));
    EXPECT_EQ(sync("c2").assignment, (group_assignment{{"orders", {2, 3}}}));
    EXPECT_EQ(sync("c3").assignment, (group_assignment{{"orders", {4}}}));
    EXPECT_EQ(group.view(now, partitions).generation, 2);
}

TEST_F(group_machine, more_members_than_partitions_leaves_some_without_any) {
    EXPECT_EQ(join("a", {"audit"}).state, join_state::ok);
    EXPECT_EQ(join("b", {"audit"}).state, join_state::ok);  // a rebalance; c joins it too
    EXPECT_EQ(join("c", {"audit"}).state, join_state::ok);
    EXPECT_EQ(join("a", {"audit"}).state, join_state::ok);  // the last to rejoin completes it
    EXPECT_EQ(sync("a").assignment, (group_assignment{{"audit", {0}}}));
    EXPECT_EQ(sync("b").assignment, (group_assignment{{"audit", {1}}}));
    const auto c = sync("c");
    EXPECT_EQ(c.state, sync_state::ok);
    EXPECT_TRUE(c.assignment.empty());
    EXPECT_EQ(heartbeat("c", c.generation), heartbeat_state::stable);
}

TEST_F(group_machine, a_leave_rebalances_the_others_onto_every_partition) {
    join_alone("a");
    join("b");
    join("a");
    sync("a");
    const auto gen = sync("b").generation;
    ASSERT_EQ(heartbeat("a", gen), heartbeat_state::stable);

    group.leave("b", now, partitions);
    EXPECT_FALSE(group.has_member("b"));
    EXPECT_EQ(heartbeat("a", gen), heartbeat_state::joining);
    EXPECT_EQ(join("a").state, join_state::ok);
    const auto a = sync("a");
    EXPECT_EQ(a.generation, gen + 1);
    EXPECT_EQ(a.assignment, (group_assignment{{"orders", {0, 1, 2}}}));

    group.leave("nobody", now, partitions);  // changes nothing
    EXPECT_EQ(heartbeat("a", gen + 1), heartbeat_state::stable);
    group.leave("a", now, partitions);
    const auto view = group.view(now, partitions);
    EXPECT_EQ(view.phase, group_phase::empty);
    EXPECT_EQ(view.generation, gen + 1) << "generations never go back";
}

TEST_F(group_machine, a_leave_during_a_rebalance_completes_it_when_the_rest_have_joined) {
    join_alone("a");
    join("b");  // rebalance: a has not rejoined
    group.leave("a", now, partitions);
    const auto b = sync("b");
    EXPECT_EQ(b.state, sync_state::ok);
    EXPECT_EQ(b.assignment, (group_assignment{{"orders", {0, 1, 2}}}));
}

TEST_F(group_machine, a_member_silent_for_longer_than_its_rebalance_timeout_is_removed) {
    join_alone("a");
    join("b");
    join("a");
    sync("a");
    const auto gen = sync("b").generation;

    now += 15'000;
    EXPECT_EQ(heartbeat("b", gen), heartbeat_state::stable);
    now += 5'000;  // a silent for exactly its timeout: still a member
    EXPECT_EQ(heartbeat("b", gen), heartbeat_state::stable);
    EXPECT_TRUE(group.has_member("a"));
    now += 1;
    EXPECT_EQ(heartbeat("b", gen), heartbeat_state::joining);
    EXPECT_FALSE(group.has_member("a"));
    EXPECT_EQ(heartbeat("a", gen), heartbeat_state::joining) << "a is a stranger now";
    EXPECT_EQ(group.size(), 1U);

    EXPECT_EQ(join("b").state, join_state::ok);
    const auto b = sync("b");
    EXPECT_EQ(b.generation, gen + 1);
    EXPECT_EQ(b.assignment, (group_assignment{{"orders", {0, 1, 2}}}));
}

TEST_F(group_machine, the_rebalance_timeout_comes_from_the_join) {
    join("a", {"orders"}, 1'000);
    sync("a");
    now += 1'001;
    EXPECT_EQ(heartbeat("a", 1), heartbeat_state::joining);
    EXPECT_EQ(group.view(now, partitions).phase, group_phase::empty);
}

TEST_F(group_machine, a_rebalance_goes_ahead_without_members_that_do_not_rejoin_in_time) {
    join_alone("a");
    join("b");
    join("a");
    sync("a");
    sync("b");

    join("c");  // rebalance; its deadline is 20 s away
    join("a");
    now += 10'000;
    EXPECT_EQ(heartbeat("b", 2), heartbeat_state::joining) << "b is alive but does not rejoin";
    EXPECT_EQ(sync("a").state, sync_state::waiting);
    EXPECT_EQ(sync("c").state, sync_state::waiting);
    now += 9'999;
    EXPECT_EQ(heartbeat("b", 2), heartbeat_state::joining);
    EXPECT_EQ(sync("a").state, sync_state::waiting);
    now += 1;
    const auto a = sync("a");
    EXPECT_EQ(a.state, sync_state::ok);
    EXPECT_EQ(a.generation, 3);
    EXPECT_EQ(a.assignment, (group_assignment{{"orders", {0, 1}}}));
    EXPECT_EQ(sync("c").assignment, (group_assignment{{"orders", {2}}}));
    EXPECT_FALSE(group.has_member("b"));
    EXPECT_EQ(heartbeat("b", 2), heartbeat_state::joining);
}

TEST_F(group_machine, a_change_in_a_subscribed_streams_partitions_starts_a_rebalance) {
    const auto gen = join_alone("a");
    streams["audit"] = {0, 1, 2};  // not subscribed: nothing happens
    EXPECT_EQ(heartbeat("a", gen), heartbeat_state::stable);
    streams["orders"] = {0, 1, 2, 3};
    EXPECT_EQ(heartbeat("a", gen), heartbeat_state::joining);
    join("a");
    EXPECT_EQ(sync("a").assignment, (group_assignment{{"orders", {0, 1, 2, 3}}}));
    streams.erase("orders");
    EXPECT_EQ(heartbeat("a", gen + 1), heartbeat_state::joining);
    join("a");
    const auto gone = sync("a");
    EXPECT_EQ(gone.state, sync_state::ok);
    EXPECT_TRUE(gone.assignment.empty());
    EXPECT_EQ(heartbeat("a", gone.generation), heartbeat_state::stable);
}

TEST_F(group_machine, a_synced_member_with_another_generation_must_rejoin) {
    const auto gen = join_alone("a");
    EXPECT_EQ(heartbeat("a", gen + 7), heartbeat_state::joining);
    EXPECT_EQ(heartbeat("a", no_generation), heartbeat_state::joining);
    EXPECT_EQ(heartbeat("a", gen), heartbeat_state::stable) << "nothing changed on the server";
}

TEST_F(group_machine, strangers_are_told_to_rejoin) {
    EXPECT_EQ(sync("nobody").state, sync_state::rejoin);
    join_alone("a");
    EXPECT_EQ(sync("nobody").state, sync_state::rejoin);
    EXPECT_FALSE(group.has_member("nobody"));
}

TEST_F(group_machine, a_member_may_rejoin_with_another_subscription) {
    join_alone("a");
    join("a", {"audit"});
    const auto a = sync("a");
    EXPECT_EQ(a.generation, 2);
    EXPECT_EQ(a.assignment, (group_assignment{{"audit", {0, 1}}}));
}

TEST_F(group_machine, commits_are_refused_for_strangers_rebalances_and_stale_generations) {
    EXPECT_TRUE(throws_errc([&] { throw *group.commit_refusal("a", 0, now, partitions); },
                            errc::consumer_member_not_found));
    const auto gen = join_alone("a");
    EXPECT_FALSE(group.commit_refusal("a", gen, now, partitions));
    EXPECT_FALSE(group.commit_refusal("a", std::nullopt, now, partitions)) << "no generation: not checked";

    const auto stale = group.commit_refusal("a", gen - 1, now, partitions);
    ASSERT_TRUE(stale);
    EXPECT_EQ(stale->code(), errc::consumer_generation_stale);
    EXPECT_EQ(stale->facts(), (error_facts{.name = "a", .requested = gen - 1, .high = gen}));

    join("b");  // rebalance under way
    const auto during = group.commit_refusal("a", gen, now, partitions);
    ASSERT_TRUE(during);
    EXPECT_EQ(during->code(), errc::consumer_rebalance_in_progress);
    EXPECT_EQ(during->facts(), error_facts{.name = "a"});
    join("a");
    sync("b");
    EXPECT_EQ(group.commit_refusal("a", gen, now, partitions)->code(), errc::consumer_rebalance_in_progress)
        << "a has not fetched the new assignment yet";
    EXPECT_FALSE(group.commit_refusal("b", gen + 1, now, partitions));
    sync("a");
    EXPECT_FALSE(group.commit_refusal("a", gen + 1, now, partitions));
    EXPECT_EQ(group.commit_refusal("a", gen, now, partitions)->code(), errc::consumer_generation_stale);
}

TEST(stream_pattern, matches_whole_names) {
    const std::vector<std::string> names{"orders", "orders-eu", "audit", "xorders"};
    EXPECT_EQ(match_stream_pattern("orders.*", names), (std::vector<std::string>{"orders", "orders-eu"}));
    EXPECT_EQ(match_stream_pattern("orders", names), (std::vector<std::string>{"orders"}));
    EXPECT_EQ(match_stream_pattern("nothing", names), std::vector<std::string>{});
}

TEST(stream_pattern, refuses_what_it_cannot_run_safely) {
    const std::vector<std::string> names{"orders"};
    EXPECT_EQ(match_stream_pattern("", names), std::nullopt);
    EXPECT_EQ(match_stream_pattern("(orders", names), std::nullopt);
    EXPECT_EQ(match_stream_pattern("[", names), std::nullopt);
    EXPECT_EQ(match_stream_pattern("(o)\\1", names), std::nullopt) << "back-references";
    EXPECT_EQ(match_stream_pattern(std::string(max_stream_pattern_length + 1, 'a'), names), std::nullopt);
    EXPECT_EQ(match_stream_pattern(std::string(120, '(') + "o" + std::string(120, ')'), names),
              std::vector<std::string>{})
        << "deep nesting within the bound parses";
    EXPECT_TRUE(match_stream_pattern(std::string(max_stream_pattern_length, 'a'), names));
    EXPECT_EQ(match_stream_pattern("a{1000}{1000}", names), std::nullopt) << "too many states";
}

TEST(stream_pattern, catastrophic_backtracking_patterns_finish_at_once) {
    const std::vector<std::string> names(50, std::string(64, 'a'));
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(match_stream_pattern("(a*)*b", names), std::vector<std::string>{});
    EXPECT_EQ(match_stream_pattern("(a|aa)+c", names), std::vector<std::string>{});
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

// Through the store: the app is the group, the streams are the project's.
class store_groups : public ::testing::Test {
  protected:
    fake_clock clock;
    dis_store store{clock.fn(), dis_limits{.group_members = 3}};

    void SetUp() override {
        stream_spec orders;
        orders.stream_name = "orders";
        orders.partition_count = 2;
        orders.stream_id = "StreamOrders0000001";
        store.create_stream(project, orders);
        stream_spec audit;
        audit.stream_name = "audit";
        audit.partition_count = 1;
        audit.stream_id = "StreamAudit00000001";
        store.create_stream(project, audit);
        store.create_app(project, app_spec{"billing", "", std::nullopt});
    }

    join_result join(const std::string& client, std::vector<std::string> names,
                     std::vector<std::string> ids = {}, std::optional<std::string> pattern = std::nullopt) {
        return store.join_group(project, "billing",
                                {client, std::move(names), std::move(ids), std::move(pattern), 20'000});
    }
    void commit(const std::string& client, std::optional<std::int64_t> generation,
                std::int64_t sequence = 0) {
        store.commit_checkpoint(project, {"billing", "orders", 0, last_read}, sequence, "",
                                group_member_claim{client, generation});
    }
};

TEST_F(store_groups, a_missing_app_is_group_not_exist_everywhere) {
    const group_join_request request{"c", {"orders"}, {}, std::nullopt, 20'000};
    EXPECT_EQ(store.join_group(project, "nope", request).state, join_state::group_not_exist);
    EXPECT_EQ(store.join_group("fedcba9876543210fedcba9876543210", "billing", request).state,
              join_state::group_not_exist);
    EXPECT_EQ(store.group_heartbeat(project, "nope", "c", -1), heartbeat_state::group_not_exist);
    EXPECT_EQ(store.sync_group(project, "nope", "c").state, sync_state::group_not_exist);
    store.leave_group(project, "nope", "c");
    EXPECT_EQ(store.group(project, "nope"), std::nullopt);
    EXPECT_EQ(store.group(project, "billing")->phase, group_phase::empty);
}

TEST_F(store_groups, a_join_naming_what_does_not_exist_is_err_subscription_and_changes_nothing) {
    EXPECT_EQ(join("c", {"orders", "nope"}).state, join_state::err_subscription);
    EXPECT_EQ(join("c", {}, {"NoSuchStreamId00001"}).state, join_state::err_subscription);
    EXPECT_EQ(join("c", {}).state, join_state::err_subscription) << "nothing named";
    EXPECT_EQ(join("c", {"orders"}, {"StreamOrders0000001"}).state, join_state::err_subscription)
        << "one stream by name and by id";
    EXPECT_EQ(join("c", {}, {}, "(").state, join_state::err_subscription);
    const auto view = store.group(project, "billing");
    EXPECT_TRUE(view->members.empty());
    EXPECT_EQ(view->generation, 0);
}

TEST_F(store_groups, streams_by_id_are_keyed_by_id_and_patterns_resolve_to_names) {
    const auto by_id = join("c1", {"audit"}, {"StreamOrders0000001", "StreamOrders0000001"});
    EXPECT_EQ(by_id.state, join_state::ok);
    EXPECT_EQ(by_id.subscription, (std::vector<std::string>{"audit", "StreamOrders0000001"}));
    EXPECT_EQ(store.sync_group(project, "billing", "c1").assignment,
              (group_assignment{{"StreamOrders0000001", {0, 1}}, {"audit", {0}}}));

    const auto by_pattern = join("c2", {}, {}, "ord.*");
    EXPECT_EQ(by_pattern.subscription, std::vector<std::string>{"orders"});
    EXPECT_EQ(join("c1", {"audit"}, {"StreamOrders0000001"}).state, join_state::ok);
    // Both name the same stream: one range assignment over c1 and c2, each keyed its own way.
    EXPECT_EQ(store.sync_group(project, "billing", "c1").assignment,
              (group_assignment{{"StreamOrders0000001", {0}}, {"audit", {0}}}));
    EXPECT_EQ(store.sync_group(project, "billing", "c2").assignment, (group_assignment{{"orders", {1}}}));

    EXPECT_EQ(join("c3", {}, {}, "nothing-matches").subscription, std::vector<std::string>{});
}

TEST_F(store_groups, a_group_has_at_most_its_limit_of_members) {
    EXPECT_EQ(join("c1", {"orders"}).state, join_state::ok);
    EXPECT_EQ(join("c2", {"orders"}).state, join_state::ok);
    EXPECT_EQ(join("c3", {"orders"}).state, join_state::ok);
    const auto refused = emu::state::testing::thrown_error([&] { join("c4", {"orders"}); });
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code(), errc::consumer_quota_exceeded);
    EXPECT_EQ(refused->facts().limit, 3U);
    EXPECT_EQ(join("c3", {"audit"}).state, join_state::ok) << "members may still rejoin";
    EXPECT_EQ(store.group(project, "billing")->members.size(), 3U);
}

TEST_F(store_groups, commits_with_a_member_claim_follow_the_group) {
    EXPECT_TRUE(throws_errc([&] { commit("c1", 1); }, errc::consumer_member_not_found));
    join("c1", {"orders"});
    EXPECT_TRUE(throws_errc([&] { commit("c1", 1); }, errc::consumer_rebalance_in_progress));
    const auto gen = store.sync_group(project, "billing", "c1").generation;
    EXPECT_TRUE(throws_errc([&] { commit("c1", gen + 1); }, errc::consumer_generation_stale));
    EXPECT_FALSE(store.get_checkpoint(project, {"billing", "orders", 0, last_read}))
        << "refusals store nothing";
    commit("c1", gen);
    EXPECT_EQ(store.get_checkpoint(project, {"billing", "orders", 0, last_read})->sequence_number, 0);

    // The stream, app and partition checks come first, and commits without a claim ignore the group.
    EXPECT_TRUE(throws_errc(
        [&] {
            store.commit_checkpoint(project, {"billing", "nope", 0, last_read}, 0, "",
                                    group_member_claim{"x", 1});
        },
        errc::stream_not_found));
    EXPECT_TRUE(throws_errc(
        [&] {
            store.commit_checkpoint(project, {"ghost", "orders", 0, last_read}, 0, "",
                                    group_member_claim{"x", 1});
        },
        errc::app_not_found));
    store.commit_checkpoint(project, {"billing", "orders", 1, last_read}, 0, "");
}

TEST_F(store_groups, members_expire_on_the_store_clock) {
    join("c1", {"orders"});
    store.sync_group(project, "billing", "c1");
    clock.advance(20'001);
    EXPECT_EQ(store.group_heartbeat(project, "billing", "c1", 1), heartbeat_state::joining);
    EXPECT_TRUE(store.group(project, "billing")->members.empty());
}

TEST_F(store_groups, deleting_the_app_ends_its_group) {
    join("c1", {"orders"});
    store.sync_group(project, "billing", "c1");
    store.delete_app(project, "billing");
    EXPECT_EQ(store.group_heartbeat(project, "billing", "c1", 1), heartbeat_state::group_not_exist);
    store.create_app(project, app_spec{"billing", "", std::nullopt});
    const auto fresh = store.group(project, "billing");
    EXPECT_TRUE(fresh->members.empty());
    EXPECT_EQ(fresh->generation, 0);
    EXPECT_EQ(store.group_heartbeat(project, "billing", "c1", 1), heartbeat_state::joining);
}

TEST_F(store_groups, cut_off_partitions_stay_assigned_until_they_expire) {
    join("c1", {"orders"});
    EXPECT_EQ(store.sync_group(project, "billing", "c1").assignment, (group_assignment{{"orders", {0, 1}}}));
    store.update_partition_count(project, "orders", 1);  // partition 1 is DELETED: still readable
    EXPECT_EQ(store.group_heartbeat(project, "billing", "c1", 1), heartbeat_state::stable);
    clock.advance(24 * ms_per_hour);  // retention: partition 1 has expired
    // c1 was silent for a day: it is gone, and rejoins as a new member.
    EXPECT_EQ(store.group_heartbeat(project, "billing", "c1", 1), heartbeat_state::joining);
    join("c1", {"orders"});
    EXPECT_EQ(store.sync_group(project, "billing", "c1").assignment, (group_assignment{{"orders", {0}}}));
}

TEST_F(store_groups, a_scale_up_rebalances_the_group) {
    join("c1", {"orders"});
    store.sync_group(project, "billing", "c1");
    store.update_partition_count(project, "orders", 3);
    EXPECT_EQ(store.group_heartbeat(project, "billing", "c1", 1), heartbeat_state::joining);
    join("c1", {"orders"});
    const auto synced = store.sync_group(project, "billing", "c1");
    EXPECT_EQ(synced.generation, 2);
    EXPECT_EQ(synced.assignment, (group_assignment{{"orders", {0, 1, 2}}}));
}

TEST_F(store_groups, reset_and_swap_end_every_group) {
    join("c1", {"orders"});
    dis_store other{clock.fn()};
    store.swap_contents(other);
    EXPECT_EQ(store.group(project, "billing"), std::nullopt);
    EXPECT_EQ(other.group(project, "billing")->members.size(), 1U) << "the group went with its app";
    other.reset_project(project);
    EXPECT_EQ(other.group(project, "billing"), std::nullopt);
}

// Members, a producer, a scaler and the app's deletion all at once: the group lock sits between the project's
// and the partitions' (store -> project -> group -> partition), so nothing deadlocks, and once the dust
// settles a rebalance hands out every readable partition exactly once.
TEST(store_groups_concurrency, members_producers_scaling_and_app_deletion_interleave) {
    fake_clock clock;
    dis_store store{clock.fn()};
    stream_spec orders;
    orders.stream_name = "orders";
    orders.partition_count = 4;
    store.create_stream(project, orders);
    store.create_app(project, app_spec{"billing", "", std::nullopt});

    constexpr int rounds = 300;
    const auto refused_by_the_group = [](const error& e) {
        return e.code() == errc::consumer_member_not_found ||
               e.code() == errc::consumer_rebalance_in_progress ||
               e.code() == errc::consumer_generation_stale || e.code() == errc::app_not_found;
    };
    std::latch start(6);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            const std::string client = "c" + std::to_string(t);
            start.arrive_and_wait();
            for (int i = 0; i < rounds; ++i) {
                store.join_group(project, "billing", {client, {"orders"}, {}, std::nullopt, 20'000});
                const auto synced = store.sync_group(project, "billing", client);
                store.group_heartbeat(project, "billing", client, synced.generation);
                try {
                    store.commit_checkpoint(project, {"billing", "orders", 0, last_read}, 0, "",
                                            group_member_claim{client, synced.generation});
                } catch (const error& e) {
                    EXPECT_TRUE(refused_by_the_group(e)) << e.what();
                }
                if (i % 7 == 0) store.leave_group(project, "billing", client);
                (void)store.group(project, "billing");
            }
        });
    }
    threads.emplace_back([&] {
        start.arrive_and_wait();
        for (int i = 0; i < rounds; ++i) {
            record_input r;
            r.partition = 0;
            r.data = "ZGF0YQ==";
            store.put_records(project, "orders", {r});
            store.update_partition_count(project, "orders", i % 2 == 0 ? 6 : 4);
        }
    });
    threads.emplace_back([&] {
        start.arrive_and_wait();
        for (int i = 0; i < rounds / 10; ++i) {
            store.delete_app(project, "billing");
            store.create_app(project, app_spec{"billing", "", std::nullopt});
        }
    });
    for (auto& thread : threads) thread.join();

    // Then each member does what the adapter does with its heartbeat's answer, until all are STABLE.
    std::map<std::string, sync_result> held;
    for (int pass = 0; pass < 10; ++pass) {
        bool all_stable = true;
        for (int t = 0; t < 4; ++t) {
            const std::string client = "c" + std::to_string(t);
            auto& mine = held[client];
            const auto answer = store.group_heartbeat(project, "billing", client, mine.generation);
            if (answer == heartbeat_state::stable) continue;
            all_stable = false;
            if (answer == heartbeat_state::joining) {
                store.join_group(project, "billing", {client, {"orders"}, {}, std::nullopt, 20'000});
            }
            if (const auto synced = store.sync_group(project, "billing", client);
                synced.state == sync_state::ok) {
                mine = synced;
            }
        }
        if (all_stable) break;
    }
    std::vector<std::int32_t> handed_out;
    for (const auto& [client, synced] : held) {
        ASSERT_EQ(synced.state, sync_state::ok) << client;
        EXPECT_EQ(synced.generation, held.begin()->second.generation) << client;
        for (const auto& [key, partitions] : synced.assignment) {
            handed_out.insert(handed_out.end(), partitions.begin(), partitions.end());
        }
    }
    std::sort(handed_out.begin(), handed_out.end());
    EXPECT_EQ(handed_out, (std::vector<std::int32_t>{0, 1, 2, 3, 4, 5}))
        << "partitions 4 and 5 are DELETED or ACTIVE, readable either way";
    EXPECT_EQ(store.group(project, "billing")->phase, group_phase::stable);
}

}  // namespace
