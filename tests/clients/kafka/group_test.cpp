// librdkafka's high-level consumer (rd_kafka_subscribe) in consumer groups on an instance's listener, and
// the DMS group views of the same groups: two members share three partitions, one leaves and the other
// takes over from the committed offsets; a REST offset reset is where the next member starts; a committed
// offset a REST deletion left below the log start resets per auto.offset.reset; a member that vanishes
// without leaving is expired when its session runs out. Sessions are 6 s (Kafka's
// group.min.session.timeout.ms) with 500 ms heartbeats, so a rebalance is noticed within half a second.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/clients/kafka/rdkafka.hpp"
#include "tests/support/dms_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

using partition_offsets = std::map<std::int32_t, std::int64_t>;

rapidjson::Document get_json(const test_server& server, const std::string& target) {
    const auto reply = server.request("GET", target);
    EXPECT_EQ(reply.status, 200U) << target << ": " << reply.body;
    rapidjson::Document doc;
    doc.Parse(reply.body.c_str());
    if (!doc.IsObject()) doc.SetObject();
    return doc;
}

std::string management_group_path(const std::string& instance, const std::string& group) {
    return instance_path(instance) + "/management/groups/" + group;
}

// A member of a group: librdkafka's KafkaConsumer subscribed to topics, with manual commits unless the
// settings say otherwise. Every message polled is kept, in the order polled.
class group_member {
  public:
    group_member(const std::string& bootstrap, const std::string& group, const std::string& client_id,
                 const rdkafka::settings& extra = {}) {
        rdkafka::settings all{{"bootstrap.servers", bootstrap},
                              {"socket.timeout.ms", "10000"},
                              {"log_level", "3"},
                              {"group.id", group},
                              {"client.id", client_id},
                              {"session.timeout.ms", "6000"},
                              {"heartbeat.interval.ms", "500"},
                              {"enable.auto.commit", "false"},
                              {"auto.offset.reset", "earliest"},
                              {"fetch.wait.max.ms", "100"},
                              {"statistics.interval.ms", "100"}};
        all.insert(all.end(), extra.begin(), extra.end());
        char message[512] = {0};
        rd_kafka_conf_t* conf = rd_kafka_conf_new();
        for (const auto& [name, value] : all) {
            if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), message, sizeof message) !=
                RD_KAFKA_CONF_OK) {
                error_ = name + ": " + message;
                rd_kafka_conf_destroy(conf);
                return;
            }
        }
        rd_kafka_conf_set_opaque(conf, this);
        rd_kafka_conf_set_stats_cb(conf, &group_member::on_stats);
        rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, message, sizeof message);
        if (rk == nullptr) {
            error_ = message;
            rd_kafka_conf_destroy(conf);
            return;
        }
        handle_.reset(rk);
        // Statistics come on the main queue: served by consumer polls too.
        rd_kafka_poll_set_consumer(rk);
    }
    ~group_member() { close(); }
    group_member(const group_member&) = delete;
    group_member& operator=(const group_member&) = delete;

    bool ok() const { return handle_ != nullptr; }
    const std::string& error() const { return error_; }

    rd_kafka_resp_err_t subscribe(const std::string& topic) {
        rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(topics, topic.c_str(), RD_KAFKA_PARTITION_UA);
        const auto err = rd_kafka_subscribe(handle_.get(), topics);
        rd_kafka_topic_partition_list_destroy(topics);
        return err;
    }

    // One poll of up to `timeout_ms`; a message or an error is kept.
    void poll(int timeout_ms) {
        if (!handle_) return;
        rd_kafka_message_t* m = rd_kafka_consumer_poll(handle_.get(), timeout_ms);
        if (m == nullptr) return;
        rdkafka::message got;
        got.partition = m->partition;
        got.offset = m->offset;
        got.error = m->err;
        if (m->payload) got.value.emplace(static_cast<const char*>(m->payload), m->len);
        rd_kafka_message_destroy(m);
        if (got.error == RD_KAFKA_RESP_ERR_NO_ERROR) {
            received.push_back(std::move(got));
        } else if (got.error != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            errors.push_back(std::move(got));
        }
    }

    // The partitions of `topic` assigned now, in order.
    std::vector<std::int32_t> assignment(const std::string& topic) const {
        std::vector<std::int32_t> out;
        if (!handle_) return out;
        rd_kafka_topic_partition_list_t* list = nullptr;
        if (rd_kafka_assignment(handle_.get(), &list) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
        for (int i = 0; i < list->cnt; ++i) {
            if (topic == list->elems[i].topic) out.push_back(list->elems[i].partition);
        }
        rd_kafka_topic_partition_list_destroy(list);
        std::sort(out.begin(), out.end());
        return out;
    }

    // Commits the offsets after the messages polled so far, waiting for the coordinator's answer.
    rd_kafka_resp_err_t commit() { return rd_kafka_commit(handle_.get(), nullptr, 0); }
    // Commits these offsets, waiting for the answer.
    rd_kafka_resp_err_t commit(const rd_kafka_topic_partition_list_t* offsets) {
        return rd_kafka_commit(handle_.get(), offsets, 0);
    }

    std::string member_id() const {
        char* id = rd_kafka_memberid(handle_.get());
        std::string out = id ? id : "";
        rd_kafka_mem_free(handle_.get(), id);
        return out;
    }

    // Leaves the group (LeaveGroup) and closes; idempotent.
    void close() {
        if (handle_ && !closed_) {
            rd_kafka_consumer_close(handle_.get());
            closed_ = true;
        }
    }

    // Goes away without leaving the group (no LeaveGroup, no commit), as a process that is killed: the
    // coordinator only learns of it when its session times out.
    void vanish() {
        if (handle_ && !closed_) {
            rd_kafka_destroy_flags(handle_.release(), RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
            closed_ = true;
        }
    }

    // Offsets polled, per partition.
    std::map<std::int32_t, std::vector<std::int64_t>> offsets_read() const {
        std::map<std::int32_t, std::vector<std::int64_t>> out;
        for (const auto& m : received) out[m.partition].push_back(m.offset);
        return out;
    }

    // The offset librdkafka fetches `partition` of `topic` from next, as its last statistics said (-1
    // before any, or while the partition has no fetch position).
    std::int64_t next_fetch_offset(const std::string& topic, std::int32_t partition) const {
        const auto found = next_offsets_.find({topic, partition});
        return found == next_offsets_.end() ? -1 : found->second;
    }

    std::vector<rdkafka::message> received;
    std::vector<rdkafka::message> errors;

  private:
    static int on_stats(rd_kafka_t*, char* json, size_t size, void* opaque) {
        auto* self = static_cast<group_member*>(opaque);
        rapidjson::Document doc;
        doc.Parse(json, size);
        if (doc.IsObject() && doc.HasMember("topics") && doc["topics"].IsObject()) {
            for (const auto& topic : doc["topics"].GetObject()) {
                if (!topic.value.HasMember("partitions")) continue;
                for (const auto& p : topic.value["partitions"].GetObject()) {
                    const auto partition = p.value["partition"].GetInt();
                    if (partition < 0) continue;
                    const bool active = p.value.HasMember("fetch_state") &&
                                        std::string(p.value["fetch_state"].GetString()) == "active";
                    self->next_offsets_[{topic.name.GetString(), partition}] =
                        active ? p.value["next_offset"].GetInt64() : -1;
                }
            }
        }
        return 0;  // librdkafka frees `json`
    }

    std::map<std::pair<std::string, std::int32_t>, std::int64_t> next_offsets_;
    std::string error_;
    rdkafka::handle handle_;
    bool closed_ = false;
};

// Polls every member in turn until `done` holds or `timeout_ms` passed; true when it holds.
bool poll_until(const std::vector<group_member*>& members, const std::function<bool()>& done,
                int timeout_ms = 15000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        for (auto* m : members) m->poll(20);
    }
    return true;
}

std::vector<std::int64_t> range(std::int64_t from, std::int64_t to) {
    std::vector<std::int64_t> out;
    for (auto i = from; i < to; ++i) out.push_back(i);
    return out;
}

class RdkafkaGroups : public ::testing::Test {
  protected:
    void SetUp() override {
        server_.clock().now_ms = t0 + 11;
        instance_ = create_instance(server_);
        bootstrap_ = kafka_bootstrap(server_, instance_);
    }

    // `count` messages to each of `partitions`, values "p<partition>-<offset>".
    void produce(const std::string& topic, const std::vector<std::int32_t>& partitions, int from, int count) {
        rdkafka::producer p(bootstrap_, {{"client.id", "emu-group-producer"}});
        ASSERT_TRUE(p.ok()) << p.error();
        for (const auto partition : partitions) {
            for (int i = from; i < from + count; ++i) {
                ASSERT_EQ(p.produce(topic, partition, std::nullopt,
                                    "p" + std::to_string(partition) + "-" + std::to_string(i)),
                          RD_KAFKA_RESP_ERR_NO_ERROR);
            }
        }
        rdkafka::expect_delivered(p, partitions.size() * static_cast<std::size_t>(count));
    }

    // ShowGroups' committed offsets of `topic`: partition -> message_current_offset, and lag and end.
    partition_offsets committed(const std::string& group, const std::string& topic,
                                partition_offsets* lag = nullptr, partition_offsets* end = nullptr) {
        partition_offsets out;
        const auto shown = get_json(server_, management_group_path(instance_, group));
        if (!shown.HasMember("group")) return out;
        for (const auto& row : shown["group"]["group_message_offsets"].GetArray()) {
            if (topic != row["topic"].GetString()) continue;
            const auto partition = row["partition"].GetInt();
            out[partition] = row["message_current_offset"].GetInt64();
            if (lag) (*lag)[partition] = row["lag"].GetInt64();
            if (end) (*end)[partition] = row["message_log_end_offset"].GetInt64();
        }
        return out;
    }

    std::string list_state(const std::string& group, std::int64_t* lag = nullptr) {
        const auto listed = get_json(server_, instance_path(instance_) + "/groups?group=" + group);
        for (const auto& g : listed["groups"].GetArray()) {
            if (group != g["group_id"].GetString()) continue;
            if (lag) *lag = g["lag"].GetInt64();
            return g["state"].GetString();
        }
        return "(not listed)";
    }

    test_server server_;
    std::string instance_;
    std::string bootstrap_;
};

TEST_F(RdkafkaGroups, TwoMembersShareThePartitionsAndTheOneLeftTakesAllFromTheCommittedOffsets) {
    create_topic(server_, instance_, "orders", 3);
    group_member a(bootstrap_, "billing", "emu-member-a");
    group_member b(bootstrap_, "billing", "emu-member-b");
    ASSERT_TRUE(a.ok()) << a.error();
    ASSERT_TRUE(b.ok()) << b.error();
    ASSERT_EQ(a.subscribe("orders"), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(b.subscribe("orders"), RD_KAFKA_RESP_ERR_NO_ERROR);

    // Both get partitions, and between them exactly the three, each once.
    const auto shared = [&] {
        const auto pa = a.assignment("orders");
        const auto pb = b.assignment("orders");
        std::set<std::int32_t> all(pa.begin(), pa.end());
        all.insert(pb.begin(), pb.end());
        return !pa.empty() && !pb.empty() && pa.size() + pb.size() == 3 && all.size() == 3;
    };
    ASSERT_TRUE(poll_until({&a, &b}, shared))
        << "a has " << a.assignment("orders").size() << ", b " << b.assignment("orders").size();
    const auto assigned_a = a.assignment("orders");
    const auto assigned_b = b.assignment("orders");

    // Ten messages per partition, each read once, by the member the partition is assigned to.
    produce("orders", {0, 1, 2}, 0, 10);
    ASSERT_TRUE(poll_until({&a, &b}, [&] { return a.received.size() + b.received.size() >= 30; }))
        << a.received.size() << " + " << b.received.size();
    for (const auto* m : {&a, &b}) {
        const auto& mine = m == &a ? assigned_a : assigned_b;
        for (const auto& [partition, offsets] : m->offsets_read()) {
            EXPECT_NE(std::find(mine.begin(), mine.end(), partition), mine.end()) << partition;
            EXPECT_EQ(offsets, range(0, 10)) << "partition " << partition;
        }
    }
    EXPECT_EQ(a.received.size() + b.received.size(), 30U);
    EXPECT_TRUE(a.errors.empty() && b.errors.empty());
    ASSERT_EQ(a.commit(), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(b.commit(), RD_KAFKA_RESP_ERR_NO_ERROR);

    // The REST views during the session: Stable, both members with their client ids, hosts and the
    // assignments the leader computed, committed offsets at the end, no lag.
    {
        const auto shown = get_json(server_, management_group_path(instance_, "billing"));
        ASSERT_TRUE(shown.HasMember("group")) << to_json(shown);
        const auto& group = shown["group"];
        EXPECT_STREQ(group["group_id"].GetString(), "billing");
        EXPECT_STREQ(group["state"].GetString(), "Stable");
        // librdkafka offers range and roundrobin, range first: the protocol the group chose.
        EXPECT_STREQ(group["assignment_strategy"].GetString(), "range");
        std::map<std::string, std::pair<std::string, std::vector<std::int32_t>>> members;
        for (const auto& member : group["members"].GetArray()) {
            const std::string host = member["host"].GetString();
            EXPECT_NE(host.find("127.0.0.1"), std::string::npos) << host;
            std::vector<std::int32_t> partitions;
            for (const auto& topic : member["assignment"].GetArray()) {
                EXPECT_STREQ(topic["topic"].GetString(), "orders");
                for (const auto& p : topic["partitions"].GetArray()) partitions.push_back(p.GetInt());
            }
            std::sort(partitions.begin(), partitions.end());
            members[member["client_id"].GetString()] = {member["member_id"].GetString(), partitions};
        }
        ASSERT_EQ(members.size(), 2U) << to_json(group);
        EXPECT_EQ(members["emu-member-a"].first, a.member_id());
        EXPECT_EQ(members["emu-member-a"].second, assigned_a);
        EXPECT_EQ(members["emu-member-b"].first, b.member_id());
        EXPECT_EQ(members["emu-member-b"].second, assigned_b);
        partition_offsets lag;
        partition_offsets end;
        EXPECT_EQ(committed("billing", "orders", &lag, &end), (partition_offsets{{0, 10}, {1, 10}, {2, 10}}));
        EXPECT_EQ(lag, (partition_offsets{{0, 0}, {1, 0}, {2, 0}}));
        EXPECT_EQ(end, (partition_offsets{{0, 10}, {1, 10}, {2, 10}}));

        std::int64_t total_lag = -1;
        EXPECT_EQ(list_state("billing", &total_lag), "STABLE");
        EXPECT_EQ(total_lag, 0);
        const auto brief = get_json(server_, instance_path(instance_) + "/groups/billing");
        EXPECT_STREQ(brief["group"]["state"].GetString(), "STABLE") << to_json(brief);
        EXPECT_STREQ(brief["group"]["assignment_strategy"].GetString(), "range");

        const auto listed = get_json(server_, engine_group_path(instance_, "billing") + "/members");
        EXPECT_EQ(listed["total"].GetInt(), 2) << to_json(listed);
        std::set<std::pair<std::string, std::string>> rows;
        for (const auto& m : listed["members"].GetArray())
            rows.emplace(m["member_id"].GetString(), m["client_id"].GetString());
        EXPECT_EQ(rows, (std::set<std::pair<std::string, std::string>>{{a.member_id(), "emu-member-a"},
                                                                       {b.member_id(), "emu-member-b"}}));
        // Each partition's row names the member that holds it.
        const auto offsets =
            get_json(server_, engine_group_path(instance_, "billing") + "/message-offset?topic=orders");
        ASSERT_EQ(offsets["total"].GetInt(), 3) << to_json(offsets);
        for (const auto& row : offsets["group_message_offsets"].GetArray()) {
            const auto partition = row["partition"].GetInt();
            const bool by_a = std::find(assigned_a.begin(), assigned_a.end(), partition) != assigned_a.end();
            EXPECT_EQ(std::string(row["consumer_id"].GetString()), by_a ? a.member_id() : b.member_id());
            EXPECT_STREQ(row["client_id"].GetString(), by_a ? "emu-member-a" : "emu-member-b");
            EXPECT_EQ(row["message_current_offset"].GetInt64(), 10);
            EXPECT_EQ(row["message_log_start_offset"].GetInt64(), 0);
            EXPECT_EQ(row["lag"].GetInt64(), 0);
        }
        const auto topics = get_json(server_, engine_group_path(instance_, "billing") + "/topics");
        EXPECT_EQ(to_json(topics["topics"]), R"([{"topic":"orders","partitions":3,"lag":0}])");

        // Active members: no reset, no deletion, and nothing changed.
        const auto reset =
            server_.request("PUT", engine_group_path(instance_, "billing") + "/reset-message-offset",
                            R"({"topic":"orders","partition":-1,"message_offset":0})");
        EXPECT_EQ(reset.status, 400U) << reset.body;
        EXPECT_NE(reset.body.find("DMS.00400800"), std::string::npos) << reset.body;
        const auto deleted = server_.request("DELETE", instance_path(instance_) + "/groups/billing");
        EXPECT_EQ(deleted.status, 400U) << deleted.body;
        EXPECT_NE(deleted.body.find("DMS.00400800"), std::string::npos) << deleted.body;
        EXPECT_EQ(committed("billing", "orders"), (partition_offsets{{0, 10}, {1, 10}, {2, 10}}));
    }

    // a leaves; b is given all three partitions and starts each at its committed offset: five more per
    // partition are read once, and nothing from before the commit again.
    a.close();
    ASSERT_TRUE(poll_until({&b}, [&] {
        return b.assignment("orders") == std::vector<std::int32_t>{0, 1, 2};
    })) << b.assignment("orders").size();
    const auto before = b.received.size();
    produce("orders", {0, 1, 2}, 10, 5);
    ASSERT_TRUE(poll_until({&b}, [&] { return b.received.size() >= before + 15; })) << b.received.size();
    std::map<std::int32_t, std::vector<std::int64_t>> after;
    for (std::size_t i = before; i < b.received.size(); ++i)
        after[b.received[i].partition].push_back(b.received[i].offset);
    EXPECT_EQ(after, (std::map<std::int32_t, std::vector<std::int64_t>>{
                         {0, range(10, 15)}, {1, range(10, 15)}, {2, range(10, 15)}}));
    // Polling on finds nothing more.
    for (int i = 0; i < 10; ++i) b.poll(50);
    EXPECT_EQ(b.received.size(), before + 15);
    ASSERT_EQ(b.commit(), RD_KAFKA_RESP_ERR_NO_ERROR);
    {
        const auto shown = get_json(server_, management_group_path(instance_, "billing"));
        EXPECT_STREQ(shown["group"]["state"].GetString(), "Stable");
        ASSERT_EQ(shown["group"]["members"].Size(), 1U) << to_json(shown);
        EXPECT_STREQ(shown["group"]["members"][0]["client_id"].GetString(), "emu-member-b");
        EXPECT_EQ(to_json(shown["group"]["members"][0]["assignment"]),
                  R"([{"topic":"orders","partitions":[0,1,2]}])");
    }

    // After the session: Empty, no members, the last commits kept.
    b.close();
    const auto shown = get_json(server_, management_group_path(instance_, "billing"));
    EXPECT_STREQ(shown["group"]["state"].GetString(), "Empty") << to_json(shown);
    EXPECT_EQ(shown["group"]["members"].Size(), 0U);
    partition_offsets lag;
    EXPECT_EQ(committed("billing", "orders", &lag), (partition_offsets{{0, 15}, {1, 15}, {2, 15}}));
    EXPECT_EQ(lag, (partition_offsets{{0, 0}, {1, 0}, {2, 0}}));
    EXPECT_EQ(list_state("billing"), "EMPTY");
    EXPECT_EQ(get_json(server_, engine_group_path(instance_, "billing") + "/members")["total"].GetInt(), 0);
}

TEST_F(RdkafkaGroups, ARestResetOfTheEmptyGroupIsWhereTheNextMemberStarts) {
    create_topic(server_, instance_, "ledger", 3);
    produce("ledger", {0, 1, 2}, 0, 8);
    {
        group_member first(bootstrap_, "auditors", "emu-auditor");
        ASSERT_TRUE(first.ok()) << first.error();
        ASSERT_EQ(first.subscribe("ledger"), RD_KAFKA_RESP_ERR_NO_ERROR);
        ASSERT_TRUE(poll_until({&first}, [&] { return first.received.size() >= 24; }))
            << first.received.size();
        ASSERT_EQ(first.commit(), RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    ASSERT_EQ(committed("auditors", "ledger"), (partition_offsets{{0, 8}, {1, 8}, {2, 8}}));
    EXPECT_EQ(list_state("auditors"), "EMPTY");

    // Every partition back to 3 (the engine path), then partition 1 to 6 (the management path).
    auto reset = server_.request("PUT", engine_group_path(instance_, "auditors") + "/reset-message-offset",
                                 R"({"topic":"ledger","partition":-1,"message_offset":3})");
    ASSERT_EQ(reset.status, 204U) << reset.body;
    reset = server_.request("POST", management_group_path(instance_, "auditors") + "/reset-message-offset",
                            R"({"topic":"ledger","partition":1,"message_offset":6})");
    ASSERT_EQ(reset.status, 204U) << reset.body;
    partition_offsets lag;
    EXPECT_EQ(committed("auditors", "ledger", &lag), (partition_offsets{{0, 3}, {1, 6}, {2, 3}}));
    EXPECT_EQ(lag, (partition_offsets{{0, 5}, {1, 2}, {2, 5}}));
    std::int64_t total_lag = -1;
    EXPECT_EQ(list_state("auditors", &total_lag), "EMPTY");
    EXPECT_EQ(total_lag, 12);

    // The next member of the group fetches the reset offsets on its join and reads from there.
    group_member next(bootstrap_, "auditors", "emu-auditor-2");
    ASSERT_TRUE(next.ok()) << next.error();
    ASSERT_EQ(next.subscribe("ledger"), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_TRUE(poll_until({&next}, [&] { return next.received.size() >= 12; })) << next.received.size();
    for (int i = 0; i < 10; ++i) next.poll(50);
    EXPECT_EQ(next.offsets_read(), (std::map<std::int32_t, std::vector<std::int64_t>>{
                                       {0, range(3, 8)}, {1, range(6, 8)}, {2, range(3, 8)}}));
    ASSERT_EQ(next.commit(), RD_KAFKA_RESP_ERR_NO_ERROR);
    next.close();
    EXPECT_EQ(committed("auditors", "ledger"), (partition_offsets{{0, 8}, {1, 8}, {2, 8}}));
}

// A member commits offset 2, leaves; a REST deletion moves the log start to 6. The next member's fetch at
// 2 is out of range, and librdkafka resets per auto.offset.reset: earliest reads from the new start,
// latest from the end and only what comes after.
TEST_F(RdkafkaGroups, ACommittedOffsetBelowARestDeletionResetsPerAutoOffsetReset) {
    create_topic(server_, instance_, "trimmed", 1);
    produce("trimmed", {0}, 0, 10);
    for (const std::string group : {"early", "late"}) {
        group_member m(bootstrap_, group, "emu-" + group);
        ASSERT_TRUE(m.ok()) << m.error();
        ASSERT_EQ(m.subscribe("trimmed"), RD_KAFKA_RESP_ERR_NO_ERROR);
        ASSERT_TRUE(poll_until({&m}, [&] { return !m.received.empty(); }));
        // Commit exactly offset 2, whatever was polled: an explicit OffsetCommit of the member.
        rd_kafka_topic_partition_list_t* at = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(at, "trimmed", 0)->offset = 2;
        EXPECT_EQ(m.commit(at), RD_KAFKA_RESP_ERR_NO_ERROR) << group;
        rd_kafka_topic_partition_list_destroy(at);
        m.close();
        EXPECT_EQ(committed(group, "trimmed"), (partition_offsets{{0, 2}})) << group;
    }
    const auto trimmed =
        server_.request("POST", dms + "/kafka/instances/" + instance_ + "/topics/trimmed/messages/delete",
                        R"({"partitions":[{"partition":0,"offset":6}]})");
    ASSERT_EQ(trimmed.status, 200U) << trimmed.body;
    // The committed offsets stay; the offset view shows the new log start.
    for (const std::string group : {"early", "late"}) {
        EXPECT_EQ(committed(group, "trimmed"), (partition_offsets{{0, 2}})) << group;
        const auto offsets =
            get_json(server_, engine_group_path(instance_, group) + "/message-offset?topic=trimmed");
        ASSERT_EQ(offsets["total"].GetInt(), 1) << to_json(offsets);
        EXPECT_EQ(offsets["group_message_offsets"][0]["message_log_start_offset"].GetInt64(), 6);
        EXPECT_EQ(offsets["group_message_offsets"][0]["message_log_end_offset"].GetInt64(), 10);
    }

    group_member early(bootstrap_, "early", "emu-early-2", {{"auto.offset.reset", "earliest"}});
    group_member late(bootstrap_, "late", "emu-late-2", {{"auto.offset.reset", "latest"}});
    ASSERT_TRUE(early.ok() && late.ok()) << early.error() << late.error();
    ASSERT_EQ(early.subscribe("trimmed"), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(late.subscribe("trimmed"), RD_KAFKA_RESP_ERR_NO_ERROR);
    // Both fetch at 2, out of range; early resets to the log start and reads 6-9, late resets to the end
    // and fetches from 10 on.
    ASSERT_TRUE(
        poll_until({&early, &late},
                   [&] { return early.received.size() >= 4 && late.next_fetch_offset("trimmed", 0) == 10; }))
        << early.received.size() << " read by early; late fetches from "
        << late.next_fetch_offset("trimmed", 0);
    for (int i = 0; i < 5; ++i) {
        early.poll(20);
        late.poll(20);
    }
    EXPECT_EQ(early.offsets_read(), (std::map<std::int32_t, std::vector<std::int64_t>>{{0, range(6, 10)}}));
    EXPECT_TRUE(late.received.empty())
        << late.received.size() << " read, first at " << late.received[0].offset;
    produce("trimmed", {0}, 10, 2);
    ASSERT_TRUE(
        poll_until({&early, &late}, [&] { return late.received.size() >= 2 && early.received.size() >= 6; }));
    EXPECT_EQ(late.offsets_read(), (std::map<std::int32_t, std::vector<std::int64_t>>{{0, range(10, 12)}}));
    EXPECT_EQ(early.offsets_read(), (std::map<std::int32_t, std::vector<std::int64_t>>{{0, range(6, 12)}}));
    EXPECT_TRUE(early.errors.empty() && late.errors.empty());
    ASSERT_EQ(early.commit(), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(late.commit(), RD_KAFKA_RESP_ERR_NO_ERROR);
    early.close();
    late.close();
    EXPECT_EQ(committed("early", "trimmed"), (partition_offsets{{0, 12}}));
    EXPECT_EQ(committed("late", "trimmed"), (partition_offsets{{0, 12}}));
}

// A member that stops heartbeating without a LeaveGroup stays in the group until its 6 s session runs
// out (closing its connections is no leave); then the other member gets its partition and starts at the
// committed offset.
TEST_F(RdkafkaGroups, AMemberThatVanishesIsExpiredAfterItsSessionTimeoutAndTheOtherTakesOver) {
    create_topic(server_, instance_, "vanish", 2);
    group_member a(bootstrap_, "watchers", "emu-watcher-a");
    group_member b(bootstrap_, "watchers", "emu-watcher-b");
    ASSERT_TRUE(a.ok() && b.ok()) << a.error() << b.error();
    ASSERT_EQ(a.subscribe("vanish"), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(b.subscribe("vanish"), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_TRUE(poll_until(
        {&a, &b}, [&] { return a.assignment("vanish").size() == 1 && b.assignment("vanish").size() == 1; }));
    produce("vanish", {0, 1}, 0, 4);
    ASSERT_TRUE(poll_until({&a, &b}, [&] { return a.received.size() == 4 && b.received.size() == 4; }))
        << a.received.size() << " + " << b.received.size();
    ASSERT_EQ(a.commit(), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(b.commit(), RD_KAFKA_RESP_ERR_NO_ERROR);

    const auto gone = std::chrono::steady_clock::now();
    a.vanish();
    // Still a member right after: the coordinator has not heard of it leaving.
    const auto shown = get_json(server_, management_group_path(instance_, "watchers"));
    EXPECT_EQ(shown["group"]["members"].Size(), 2U) << to_json(shown);

    ASSERT_TRUE(poll_until(
        {&b},
        [&] {
            return b.assignment("vanish") == std::vector<std::int32_t>{0, 1};
        },
        20000));
    const auto took =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - gone);
    // The session (6 s) began at a's last heartbeat, at most one interval (500 ms) before it went.
    EXPECT_GE(took.count(), 5000) << "expired after " << took.count() << " ms";
    EXPECT_LE(took.count(), 12000) << "expired after " << took.count() << " ms";
    const auto before = b.received.size();
    produce("vanish", {0, 1}, 4, 2);
    ASSERT_TRUE(poll_until({&b}, [&] { return b.received.size() >= before + 4; })) << b.received.size();
    std::map<std::int32_t, std::vector<std::int64_t>> after;
    for (std::size_t i = before; i < b.received.size(); ++i)
        after[b.received[i].partition].push_back(b.received[i].offset);
    EXPECT_EQ(after, (std::map<std::int32_t, std::vector<std::int64_t>>{{0, range(4, 6)}, {1, range(4, 6)}}));
    const auto left = get_json(server_, management_group_path(instance_, "watchers"));
    EXPECT_STREQ(left["group"]["state"].GetString(), "Stable");
    ASSERT_EQ(left["group"]["members"].Size(), 1U) << to_json(left);
    EXPECT_STREQ(left["group"]["members"][0]["client_id"].GetString(), "emu-watcher-b");
}

}  // namespace
}  // namespace emu::test
