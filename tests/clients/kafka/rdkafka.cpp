#include "tests/clients/kafka/rdkafka.hpp"

namespace emu::test::rdkafka {

handle make(rd_kafka_type_t type, const std::string& bootstrap, const settings& extra, std::string& error) {
    char message[512] = {0};
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    settings all{{"bootstrap.servers", bootstrap}, {"socket.timeout.ms", "10000"}, {"log_level", "3"}};
    all.insert(all.end(), extra.begin(), extra.end());
    for (const auto& [name, value] : all) {
        if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), message, sizeof message) != RD_KAFKA_CONF_OK) {
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

}  // namespace emu::test::rdkafka
