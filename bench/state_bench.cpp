// Micro-benchmarks of the state layer: the work behind the measured routes, without HTTP.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "state/state.hpp"

namespace {

using namespace emu::state;

const std::string project = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const std::string instance = "5c5b1f7e-3c1a-4d8b-9a0e-2f6d7b8c9d01";
const std::string value_100(100, 'v');

// A fixed clock, so retention never drops anything while a benchmark runs.
std::int64_t fixed_now() {
    return 1'800'000'000'000;
}

struct kafka_setup {
    kafka_store store{fixed_now};

    explicit kafka_setup(std::int32_t partitions = 1) {
        instance_spec spec;
        spec.instance_id = instance;
        spec.name = "bench";
        store.create_instance(project, spec);
        topic_spec topic;
        topic.name = "t1";
        topic.partition_count = partitions;
        store.cluster(project, instance)->create_topic(topic);
    }

    void produce(std::int64_t count, std::int32_t partition = 0) {
        produce_request request;
        request.topic = "t1";
        request.partition = partition;
        request.value = value_100;
        for (std::int64_t i = 0; i < count; ++i) store.running_cluster(project, instance)->produce(request);
    }
};

void BM_kafka_append(benchmark::State& state) {
    kafka_setup setup;
    produce_request request;
    request.topic = "t1";
    request.partition = 0;
    request.key = "key-1";
    request.value = value_100;
    for (auto _ : state)
        benchmark::DoNotOptimize(setup.store.running_cluster(project, instance)->produce(request));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_kafka_append);

// DeleteRecords of `range(0)` messages from the front of a partition: the cost should not grow with it.
// Timed by hand, so filling the partition and destroying the store are not counted.
void BM_kafka_trim(benchmark::State& state) {
    const std::int64_t count = state.range(0);
    for (auto _ : state) {
        kafka_setup setup;
        setup.produce(count);
        const auto started = std::chrono::steady_clock::now();
        benchmark::DoNotOptimize(
            setup.store.running_cluster(project, instance)->delete_records("t1", {{0, count}}));
        state.SetIterationTime(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
}
BENCHMARK(BM_kafka_trim)
    ->Arg(1'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(3);

// The hot route: deleting to an offset already trimmed is a no-op after the first call.
void BM_kafka_delete_records_repeat(benchmark::State& state) {
    kafka_setup setup;
    setup.produce(10);
    for (auto _ : state)
        benchmark::DoNotOptimize(
            setup.store.running_cluster(project, instance)->delete_records("t1", {{0, 5}}));
}
BENCHMARK(BM_kafka_delete_records_repeat);

void BM_kafka_message_at(benchmark::State& state) {
    kafka_setup setup;
    setup.produce(state.range(0));
    std::int64_t offset = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(setup.store.cluster(project, instance)->message_at("t1", 0, offset));
        offset = (offset + 7919) % state.range(0);
    }
}
BENCHMARK(BM_kafka_message_at)->Arg(1'000)->Arg(1'000'000);

void BM_kafka_partition_offsets(benchmark::State& state) {
    kafka_setup setup;
    setup.produce(state.range(0));
    for (auto _ : state) benchmark::DoNotOptimize(setup.store.cluster(project, instance)->partition("t1", 0));
}
BENCHMARK(BM_kafka_partition_offsets)->Arg(1'000)->Arg(1'000'000);

// Messages by time: the produce timestamps are all equal under the fixed clock, so a window after them
// matches nothing and shows the cost of the scan.
void BM_kafka_messages_by_time(benchmark::State& state) {
    kafka_setup setup;
    setup.produce(state.range(0));
    message_filter filter;
    filter.partition = 0;
    filter.start_ms = fixed_now() + 1;
    for (auto _ : state)
        benchmark::DoNotOptimize(setup.store.cluster(project, instance)->messages("t1", filter));
}
BENCHMARK(BM_kafka_messages_by_time)->Arg(1'000)->Arg(100'000)->Unit(benchmark::kMicrosecond);

struct dis_setup {
    dis_store store{fixed_now};

    explicit dis_setup(std::int64_t records = 10) {
        stream_spec stream;
        stream.stream_name = "s1";
        stream.partition_count = 2;
        store.create_stream(project, stream);
        app_spec app;
        app.app_name = "a1";
        store.create_app(project, app);
        std::vector<record_input> batch(1);
        batch[0].partition = 0;
        batch[0].data = std::string(136, 'A');  // 100 bytes in base64
        for (std::int64_t i = 0; i < records; ++i) store.put_records(project, "s1", batch);
    }
};

const checkpoint_key key_0{"a1", "s1", 0, "LAST_READ"};

void BM_dis_commit_checkpoint(benchmark::State& state) {
    dis_setup setup;
    for (auto _ : state) setup.store.commit_checkpoint(project, key_0, 5, "worker-1");
}
BENCHMARK(BM_dis_commit_checkpoint);

void BM_dis_show_checkpoint(benchmark::State& state) {
    dis_setup setup;
    setup.store.commit_checkpoint(project, key_0, 5, "worker-1");
    for (auto _ : state) benchmark::DoNotOptimize(setup.store.get_checkpoint(project, key_0));
}
BENCHMARK(BM_dis_show_checkpoint);

void BM_dis_delete_checkpoint(benchmark::State& state) {
    dis_setup setup;
    for (auto _ : state) setup.store.delete_checkpoints(project, "a1", "s1", 0, "LAST_READ");
}
BENCHMARK(BM_dis_delete_checkpoint);

void BM_dis_put_record(benchmark::State& state) {
    dis_setup setup(0);
    std::vector<record_input> batch(1);
    batch[0].partition = 0;
    batch[0].data = std::string(136, 'A');
    for (auto _ : state) benchmark::DoNotOptimize(setup.store.put_records(project, "s1", batch));
}
BENCHMARK(BM_dis_put_record);

// Reading 100 records at a sequence number deep in a large partition.
void BM_dis_read_by_sequence(benchmark::State& state) {
    dis_setup setup(state.range(0));
    read_request request;
    request.stream_name = "s1";
    request.partition = 0;
    request.position = state.range(0) / 2;
    request.limit = 100;
    for (auto _ : state) benchmark::DoNotOptimize(setup.store.read_records(project, request));
}
BENCHMARK(BM_dis_read_by_sequence)->Arg(1'000)->Arg(1'000'000);

void BM_dis_cursor_at_timestamp(benchmark::State& state) {
    dis_setup setup(state.range(0));
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            setup.store.start_cursor(project, "s1", 0, cursor_type::at_timestamp, fixed_now() + 1));
    }
}
BENCHMARK(BM_dis_cursor_at_timestamp)->Arg(1'000)->Arg(1'000'000);

}  // namespace

BENCHMARK_MAIN();
