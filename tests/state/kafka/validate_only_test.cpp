// check_create_topic and check_update_topics (Kafka's validate_only): the refusals of create_topic and
// update_topics, thrown the same way, and nothing changed either way.
#include <gtest/gtest.h>

#include <string>

#include "state/errors.hpp"
#include "state/kafka/instances.hpp"
#include "tests/state/state_test_support.hpp"

namespace {

using namespace emu::state;
using emu::state::testing::fake_clock;
using emu::state::testing::throws_errc;

class validate_only_test : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_spec spec;
        spec.name = "kafka-check";
        id = store.create_instance(project, spec).spec.instance_id;
        cluster = store.cluster(project, id);
        quota = store.get_instance(project, id).max_partitions;
    }

    static topic_spec topic(const std::string& name, std::int32_t partitions, std::int32_t replication = 3) {
        topic_spec spec;
        spec.name = name;
        spec.partition_count = partitions;
        spec.replication = replication;
        return spec;
    }

    const std::string project = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    fake_clock clock;
    kafka_store store{clock.fn()};
    std::string id;
    std::shared_ptr<kafka_cluster> cluster;
    std::int32_t quota = 0;
};

TEST_F(validate_only_test, check_create_topic_refuses_what_create_topic_refuses_and_creates_nothing) {
    cluster->create_topic(topic("orders", 3));
    EXPECT_TRUE(throws_errc([&] { cluster->check_create_topic(topic("orders", 1)); }, errc::topic_exists));
    EXPECT_TRUE(throws_errc([&] { cluster->check_create_topic(topic("wide", 1, 4)); },
                            errc::replication_exceeds_brokers));
    EXPECT_TRUE(throws_errc([&] { cluster->check_create_topic(topic("big", quota - 2)); },
                            errc::partition_quota_exceeded));
    cluster->check_create_topic(topic("fits", quota - 3));
    EXPECT_EQ(cluster->list_topics().size(), 1u);
    EXPECT_EQ(cluster->used_partitions(), 3);
    cluster->create_topic(topic("fits", quota - 3));  // what the check passed, create takes
    EXPECT_EQ(cluster->used_partitions(), quota);
}

TEST_F(validate_only_test, check_update_topics_refuses_what_update_topics_refuses_and_changes_nothing) {
    cluster->create_topic(topic("orders", 3));
    topic_update grow;
    grow.name = "orders";
    grow.partition_count = quota;
    cluster->check_update_topics({grow});
    EXPECT_EQ(cluster->get_topic("orders").partition_count, 3);
    grow.partition_count = quota + 1;
    EXPECT_TRUE(throws_errc([&] { cluster->check_update_topics({grow}); }, errc::partition_quota_exceeded));
    grow.partition_count = 2;
    EXPECT_TRUE(throws_errc([&] { cluster->check_update_topics({grow}); }, errc::partition_count_decrease));
    grow.name = "missing";
    EXPECT_TRUE(throws_errc([&] { cluster->check_update_topics({grow}); }, errc::topic_not_found));
    EXPECT_EQ(cluster->get_topic("orders").partition_count, 3);
    EXPECT_EQ(cluster->partitions("orders").size(), 3u);
}

}  // namespace
