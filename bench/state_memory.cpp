// Memory and trim figures of the Kafka store, printed as `name value` lines for bench/run-all:
// - resident memory of the whole process with 1,000,000 stored messages of 100-byte values;
// - the time to trim all of them from their partition with one DeleteRecords call, and how long until
//   their memory is back (it is freed on the store's reclaimer thread);
// - the slowest produce on another partition of the same topic from the trim until the memory is back,
//   beside the slowest in a control window of 100 ms before the trim.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "state/state.hpp"

namespace {

using namespace emu::state;
using std::chrono::steady_clock;

const std::string project = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const std::string instance = "5c5b1f7e-3c1a-4d8b-9a0e-2f6d7b8c9d01";
constexpr std::int64_t message_count = 1'000'000;

double resident_mib() {
    std::ifstream statm("/proc/self/statm");
    long pages_total = 0;
    long pages_resident = 0;
    statm >> pages_total >> pages_resident;
    return static_cast<double>(pages_resident) * 4096.0 / (1024.0 * 1024.0);
}

double ms_since(steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(steady_clock::now() - start).count();
}

}  // namespace

int main() {
    kafka_store store;
    instance_spec spec;
    spec.instance_id = instance;
    spec.name = "bench";
    store.create_instance(project, spec);
    topic_spec topic;
    topic.name = "t1";
    topic.partition_count = 2;
    store.cluster(project, instance)->create_topic(topic);

    const double before = resident_mib();
    produce_request request;
    request.topic = "t1";
    request.partition = 0;
    request.value = std::string(100, 'v');
    const auto fill_started = steady_clock::now();
    for (std::int64_t i = 0; i < message_count; ++i) {
        request.value[static_cast<std::size_t>(i % 100)] = static_cast<char>('a' + i % 26);
        store.running_cluster(project, instance)->produce(request);
    }
    const double fill_ms = ms_since(fill_started);
    const double filled = resident_mib();

    // A producer on partition 1 runs through the trim; its slowest call shows whether the trim stalls it.
    // Phase 0 is a control window of 100 ms without a trim: on a shared machine, scheduling alone makes
    // some calls slow.
    std::atomic<bool> stop{false};
    std::atomic<int> phase{0};
    double slowest_other_ms[2] = {0, 0};
    std::int64_t other_calls[2] = {0, 0};
    std::thread other([&] {
        produce_request r;
        r.topic = "t1";
        r.partition = 1;
        r.value = std::string(100, 'o');
        while (!stop.load()) {
            const int p = phase.load();
            const auto t0 = steady_clock::now();
            store.running_cluster(project, instance)->produce(r);
            slowest_other_ms[p] = std::max(slowest_other_ms[p], ms_since(t0));
            ++other_calls[p];
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    phase.store(1);
    const auto trim_started = steady_clock::now();
    const auto result = store.running_cluster(project, instance)->delete_records("t1", {{0, message_count}});
    const double trim_ms = ms_since(trim_started);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // while the reclaimer frees the chunks
    stop.store(true);
    other.join();
    const auto after = store.cluster(project, instance)->partition("t1", 0);

    // The trimmed chunks are freed on the store's reclaimer thread. With nothing else running: fill the
    // partition again, trim it, and wait (at most 5 s) until nine tenths of the memory is back.
    const double refill_before = resident_mib();
    for (std::int64_t i = 0; i < message_count; ++i)
        store.running_cluster(project, instance)->produce(request);
    const double refilled = resident_mib();
    const auto second_trim = steady_clock::now();
    const auto second = store.running_cluster(project, instance)->delete_records("t1", {{0, delete_to_end}});
    const double returned_below = refilled - 0.9 * (refilled - refill_before);
    while (resident_mib() > returned_below && ms_since(second_trim) < 5000) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    const double returned_ms = ms_since(second_trim);

    std::printf("messages %lld\n", static_cast<long long>(message_count));
    std::printf("value_bytes 100\n");
    std::printf("rss_empty_mib %.1f\n", before);
    std::printf("rss_filled_mib %.1f\n", filled);
    std::printf("bytes_per_message %.0f\n", (filled - before) * 1024 * 1024 / message_count);
    std::printf("fill_ms %.0f\n", fill_ms);
    std::printf("trim_ms %.3f\n", trim_ms);
    std::printf("memory_returned_ms %.1f\n", returned_ms);
    std::printf("trim_ok %d\n", result.at(0).status == delete_records_status::success &&
                                        after.start_offset == message_count && after.retained_bytes == 0 &&
                                        second.at(0).status == delete_records_status::success
                                    ? 1
                                    : 0);
    std::printf("other_partition_calls %lld\n", static_cast<long long>(other_calls[1]));
    std::printf("other_partition_slowest_ms %.3f\n", slowest_other_ms[1]);
    std::printf("control_calls %lld\n", static_cast<long long>(other_calls[0]));
    std::printf("control_slowest_ms %.3f\n", slowest_other_ms[0]);
    std::printf("rss_after_trim_mib %.1f\n", resident_mib());
    return 0;
}
