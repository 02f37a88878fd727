// librdkafka's mock cluster (rd_kafka_mock_cluster_new) in a process of its own, the peer the Kafka
// benchmark of bench/run-all measures the emulator's listeners against: a separate process, so that its
// CPU time and resident memory are read from /proc exactly as the emulator's are.
//
//   kafka_mock_broker [--brokers 3] TOPIC[:PARTITIONS]...
//
// Creates the topics (replication = brokers), prints "bootstrap=HOST:PORT,..." on stdout once they exist,
// and runs until SIGTERM or SIGINT. Three brokers by default, as the bench fixture's instance has
// (broker_num 3): the clients then see the same number of brokers and connections on both sides.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

volatile std::sig_atomic_t stop_requested = 0;
void on_signal(int /*signal*/) {
    stop_requested = 1;
}

}  // namespace

int main(int argc, char** argv) {
    int brokers = 3;
    std::vector<std::pair<std::string, int>> topics;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--brokers" && i + 1 < argc) {
            brokers = std::atoi(argv[++i]);
        } else if (!arg.empty() && arg[0] != '-') {
            const auto colon = arg.find(':');
            const int partitions = colon == std::string::npos ? 1 : std::atoi(arg.c_str() + colon + 1);
            topics.emplace_back(arg.substr(0, colon), partitions);
        } else {
            std::fprintf(stderr, "usage: kafka_mock_broker [--brokers N] TOPIC[:PARTITIONS]...\n");
            return 2;
        }
    }
    if (brokers < 1) {
        std::fprintf(stderr, "--brokers must be at least 1\n");
        return 2;
    }

    // SIGTERM and SIGINT are blocked before librdkafka starts its threads, which inherit the mask, and
    // are let through only inside sigsuspend below: one arriving before the wait is not lost.
    sigset_t blocked;
    sigset_t previous;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGINT);
    sigprocmask(SIG_BLOCK, &blocked, &previous);

    // The mock cluster lives inside a client handle; the handle itself never connects anywhere.
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err) != RD_KAFKA_CONF_OK) {
        std::fprintf(stderr, "%s\n", err);
        return 1;
    }
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (rk == nullptr) {
        std::fprintf(stderr, "rd_kafka_new: %s\n", err);
        return 1;
    }
    rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(rk, brokers);
    if (cluster == nullptr) {
        std::fprintf(stderr, "rd_kafka_mock_cluster_new failed\n");
        return 1;
    }
    for (const auto& [name, partitions] : topics) {
        const rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(cluster, name.c_str(), partitions, brokers);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
            std::fprintf(stderr, "topic %s: %s\n", name.c_str(), rd_kafka_err2str(e));
            return 1;
        }
    }

    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    std::printf("bootstrap=%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
    std::fflush(stdout);
    while (stop_requested == 0) sigsuspend(&previous);

    rd_kafka_mock_cluster_destroy(cluster);
    rd_kafka_destroy(rk);
    return 0;
}
