#include "tests/clients/kafka/rdkafka.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <utility>

namespace emu::test::rdkafka {

handle make(rd_kafka_type_t type, const std::string& bootstrap, const settings& extra, std::string& error) {
    char message[512] = {0};
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    settings all{{"bootstrap.servers", bootstrap}, {"socket.timeout.ms", "10000"}, {"log_level", "3"}};
    all.insert(all.end(), extra.begin(), extra.end());
    for (const auto& [name, value] : all) {
        if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), message, sizeof message) !=
            RD_KAFKA_CONF_OK) {
            error = name + ": " + message;
            rd_kafka_conf_destroy(conf);
            return nullptr;
        }
    }
    rd_kafka_t* rk = rd_kafka_new(type, conf, message, sizeof message);  // takes conf on success
    if (rk == nullptr) {
        error = message;
        rd_kafka_conf_destroy(conf);
        return nullptr;
    }
    return handle(rk);
}

producer::producer(const std::string& bootstrap, const settings& extra) {
    char message_text[512] = {0};
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    settings all{{"bootstrap.servers", bootstrap},
                 {"socket.timeout.ms", "10000"},
                 {"log_level", "3"},
                 {"linger.ms", "5"}};
    all.insert(all.end(), extra.begin(), extra.end());
    for (const auto& [name, value] : all) {
        if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), message_text, sizeof message_text) !=
            RD_KAFKA_CONF_OK) {
            error_ = name + ": " + message_text;
            rd_kafka_conf_destroy(conf);
            return;
        }
    }
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_dr_msg_cb(conf, &producer::on_delivery);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, message_text, sizeof message_text);
    if (rk == nullptr) {
        error_ = message_text;
        rd_kafka_conf_destroy(conf);
        return;
    }
    handle_.reset(rk);
}

void producer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* self = static_cast<producer*>(opaque);
    message out;
    out.partition = m->partition;
    out.offset = m->offset;
    out.error = m->err;
    if (m->key) out.key.emplace(static_cast<const char*>(m->key), m->key_len);
    if (m->payload) out.value.emplace(static_cast<const char*>(m->payload), m->len);
    self->reports_.push_back(std::move(out));
}

rd_kafka_resp_err_t producer::produce(const std::string& topic, std::int32_t partition,
                                      const std::optional<std::string>& key, const std::string& value,
                                      const std::vector<std::pair<std::string, std::string>>& headers) {
    rd_kafka_headers_t* hdrs = rd_kafka_headers_new(headers.size());
    for (const auto& [name, v] : headers) {
        rd_kafka_header_add(hdrs, name.data(), static_cast<ssize_t>(name.size()), v.data(),
                            static_cast<ssize_t>(v.size()));
    }
    void* key_data = key ? const_cast<char*>(key->data()) : nullptr;
    const std::size_t key_size = key ? key->size() : 0;
    const auto err = rd_kafka_producev(
        handle_.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_KEY(key_data, key_size),
        RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) rd_kafka_headers_destroy(hdrs);
    return err;
}

std::vector<message> producer::flush(int timeout_ms) {
    rd_kafka_flush(handle_.get(), timeout_ms);
    return std::exchange(reports_, {});
}

std::vector<message> consume(const std::string& bootstrap, const std::string& topic, std::int32_t partition,
                             std::int64_t offset, std::size_t count, const settings& extra, int timeout_ms) {
    std::string error;
    // librdkafka wants a group.id for any consumer; with assign() and no commits it never joins the group.
    settings all{{"group.id", "emu-test-assigned"},
                 {"enable.auto.commit", "false"},
                 {"enable.partition.eof", "false"}};
    all.insert(all.end(), extra.begin(), extra.end());
    auto consumer = make(RD_KAFKA_CONSUMER, bootstrap, all, error);
    std::vector<message> out;
    if (!consumer) {
        message failed;
        failed.error = RD_KAFKA_RESP_ERR__INVALID_ARG;
        failed.value = error;
        out.push_back(failed);
        return out;
    }
    rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(assignment, topic.c_str(), partition)->offset = offset;
    rd_kafka_assign(consumer.get(), assignment);
    rd_kafka_topic_partition_list_destroy(assignment);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.get(), 100);
        if (m == nullptr) continue;
        message got;
        got.partition = m->partition;
        got.offset = m->offset;
        got.error = m->err;
        if (m->key) got.key.emplace(static_cast<const char*>(m->key), m->key_len);
        if (m->payload) got.value.emplace(static_cast<const char*>(m->payload), m->len);
        rd_kafka_timestamp_type_t type;
        got.timestamp = rd_kafka_message_timestamp(m, &type);
        rd_kafka_headers_t* hdrs = nullptr;
        if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
            const char* name = nullptr;
            const void* value = nullptr;
            size_t size = 0;
            for (size_t i = 0;
                 rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
                got.headers.emplace_back(
                    name, value ? std::string(static_cast<const char*>(value), size) : std::string());
            }
        }
        rd_kafka_message_destroy(m);
        const bool failed = got.error != RD_KAFKA_RESP_ERR_NO_ERROR;
        out.push_back(std::move(got));
        if (failed) break;
    }
    rd_kafka_consumer_close(consumer.get());
    return out;
}

void expect_delivered(producer& p, std::size_t count) {
    const auto reports = p.flush();
    ASSERT_EQ(reports.size(), count);
    for (const auto& r : reports) EXPECT_EQ(r.error, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(r.error);
}

}  // namespace emu::test::rdkafka
