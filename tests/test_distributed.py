"""Dask runs over Parquet partitions give, byte for byte, what one process gives."""

import json
import multiprocessing
import sys
import weakref

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grievance_rules import reports
from grievance_rules.distributed import (
    DaskMissingError,
    PartitionTask,
    _hashes,
    _tasks,
    cluster_client,
    compare_dataset,
    evaluate_dataset,
    pack_source,
    run_partition,
    score_dataset,
)
from grievance_rules.engine import Rejection
from grievance_rules.errors import ReadError
from grievance_rules.reading.parquet import iter_parquet_orders, parquet_partitions
from grievance_rules.reading.parquet_export import write_parquet
from grievance_rules.samples import generate_orders
from grievance_rules.scoring import compare, score
from grievance_rules.scoring.stream import assess_stream, resolve_packs


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("year")
    write_parquet(generate_orders(240, seed=23), folder, partition_size=70)
    return folder


@pytest.fixture(scope="module")
def client():
    before = set(multiprocessing.active_children())
    with cluster_client(workers=2) as active:
        assert len(active.scheduler_info()["workers"]) == 2
        yield active
    # the cluster's worker processes are gone with it
    assert set(multiprocessing.active_children()) <= before


def _fnv1a_64(text):
    # the published FNV-1a algorithm, a byte at a time (the reference)
    value = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x100000001B3) % 2**64
    return value


@given(st.lists(st.text(max_size=40)))
def test_id_hashes_are_fnv_1a_of_each_id_s_utf_8_bytes(ids):
    assert _hashes(ids).tolist() == [_fnv1a_64(i) for i in ids]


def test_id_hashes_match_published_fnv_1a_values():
    # test vectors of the FNV reference (isthe.com/chongo/tech/comp/fnv)
    assert _hashes(["", "a", "foobar"]).tolist() == [
        0xCBF29CE484222325,
        0xAF63DC4C8601EC8C,
        0x85944171F73967E8,
    ]


def test_a_partition_task_runs_without_a_cluster(dataset):
    partition = parquet_partitions(dataset)[1]
    task = PartitionTask("score", (pack_source("daye"),), partition, 1)
    partial = run_partition(task)
    assert partial.inputs == 70  # the second partition: orders 71-140
    assert {key[0] for _, (key, _kind) in partial.units.items()} == {1}


def test_without_dask_the_error_names_the_extra(monkeypatch, dataset):
    monkeypatch.setitem(sys.modules, "dask", None)  # import dask raises ImportError
    with pytest.raises(DaskMissingError, match=r"grievance-rules\[dask\]"):
        score_dataset(dataset, "xiayang", workers=1)


@pytest.mark.slow
def test_two_workers_score_byte_for_byte_as_one_process(dataset, client):
    for pack in ("chengdong", "xiayang", "daye"):
        one = score(iter_parquet_orders(dataset), pack, period="month")
        many = score_dataset(dataset, pack, period="month", client=client)
        assert many.model_dump_json(indent=2) == one.model_dump_json(indent=2)
        assert reports.scorecard_markdown(many) == reports.scorecard_markdown(one)
        assert one.inputs == 240


@pytest.mark.slow
def test_columnar_partitions_on_two_workers_equal_one_process_per_order(dataset, client):
    packs = ["chengdong", "xiayang", "daye"]
    one = compare(iter_parquet_orders(dataset), packs, path="per-order")
    many = compare_dataset(dataset, packs, client=client, path="columnar")
    assert many.model_dump_json() == one.model_dump_json()
    card = score(iter_parquet_orders(dataset), "daye", path="per-order")
    assert score_dataset(dataset, "daye", client=client, path="columnar") == card


@pytest.mark.slow
def test_only_the_root_future_is_held_while_the_merge_tree_runs(dataset, client, monkeypatch):
    # a future held keeps its result on the workers: holding every partition's future
    # to the end kept a 10,000,000-order year's partials there (1 GB a worker)
    from grievance_rules import distributed as module

    real = module._merged
    seen: dict[str, list] = {}

    class Root:
        def __init__(self, future):
            self.future = future

        def result(self):
            seen["alive"] = [ref() is not None for ref in seen["leaves"]]
            return self.future.result()

    def merged(active, level, merge, retries):
        seen["leaves"] = [weakref.ref(future) for future in level]
        return Root(real(active, level, merge, retries))

    monkeypatch.setattr(module, "_merged", merged)
    many = compare_dataset(dataset, ["daye", "xiayang"], client=client, path="columnar")
    assert many.inputs == 240
    assert len(seen["alive"]) == 4  # the partitions' futures, let go before the wait
    assert not any(seen["alive"])


def test_a_partition_judged_columnar_equals_per_order(dataset):
    partition = parquet_partitions(dataset)[2]
    for command, packs in (("score", ("xiayang",)), ("compare", ("daye", "chengdong"))):
        sources = tuple(pack_source(p) for p in packs)
        columnar = run_partition(PartitionTask(command, sources, partition, 2, path="columnar"))
        per_order = run_partition(PartitionTask(command, sources, partition, 2, path="per-order"))
        assert columnar == per_order


@pytest.mark.slow
def test_two_workers_compare_and_evaluate_as_one_process(dataset, client):
    packs = ["chengdong", "xiayang", "daye"]
    one = compare(iter_parquet_orders(dataset), packs)
    many = compare_dataset(dataset, packs, client=client)
    assert many.model_dump_json() == one.model_dump_json()
    expected = [
        entry.assessments[0].model_dump_json().encode()
        if not isinstance(entry, Rejection)
        else entry
        for entry in assess_stream(iter_parquet_orders(dataset), resolve_packs(["daye"]))
    ]
    assert list(evaluate_dataset(dataset, "daye", client=client)) == expected


@pytest.mark.slow
def test_the_local_cluster_s_workers_run_without_the_statistical_profiler(client):
    # it samples the task thread every 10 ms for a dashboard the local cluster lacks
    def profiling(dask_worker):
        return "profile" in dask_worker.periodic_callbacks

    import dask

    workers = client.scheduler_info()["workers"]
    assert client.run(profiling) == dict.fromkeys(workers, False)
    assert dask.config.get("distributed.worker.profile.enabled")  # the caller's is unchanged


@pytest.mark.slow
def test_the_local_cluster_s_event_loops_tick_every_second(client):
    # Dask's default, every 20 ms in each process, kept an idle cluster busy
    def ticks(dask_worker):
        return dask_worker.periodic_callbacks["tick"].callback_time

    def scheduler_ticks(dask_scheduler):
        return dask_scheduler.periodic_callbacks["tick"].callback_time

    import dask

    workers = client.scheduler_info()["workers"]
    assert client.run(ticks) == dict.fromkeys(workers, 1000)
    assert client.run_on_scheduler(scheduler_ticks) == 1000
    assert dask.config.get("distributed.admin.tick.interval") == "20ms"  # the caller's


@pytest.mark.slow
def test_partitions_sharing_an_order_id_are_refused(tmp_path, client):
    orders = list(generate_orders(6, seed=4))
    write_parquet(orders[:3], tmp_path / "a")
    write_parquet([orders[5], orders[1]], tmp_path / "b")
    partitions = [*parquet_partitions(tmp_path / "a"), *parquet_partitions(tmp_path / "b")]
    with pytest.raises(ReadError, match=rf"order id {orders[1].id!r} is in partitions a and b"):
        score_dataset(partitions, "xiayang", client=client)


def test_the_partial_of_a_task_travels_as_plain_data(dataset):
    """What a worker sends back pickles (Dask ships it between processes)."""
    import pickle

    task = PartitionTask(
        "compare",
        (pack_source("daye"), pack_source("xiayang")),
        parquet_partitions(dataset)[0],
        0,
        examples=2,
    )
    partial = run_partition(task)
    assert pickle.loads(pickle.dumps(partial)) == partial
    assert json.loads(json.dumps(partial.packs)) == ["daye@2023-05-19", "xiayang@2022-06-08"]


def test_a_worker_refuses_a_pack_whose_files_differ(dataset):
    from dataclasses import replace

    from grievance_rules.errors import PackError

    source = replace(pack_source("daye"), content_hash="0" * 64)
    task = PartitionTask("score", (source,), parquet_partitions(dataset)[0], 0)
    with pytest.raises(PackError, match="differ from those the run started with"):
        run_partition(task)


@pytest.mark.slow
def test_a_bag_of_json_lines_scores_as_its_parts_merged(tmp_path, client):
    import dask.bag as db

    from grievance_rules.scoring import merge_scorecards, score_partial

    lines = [o.model_dump_json() for o in generate_orders(45, seed=31)]
    lines[20] = '{"id": "bad"}'  # rejected: named by its place in its partition
    parts = [lines[:15], lines[15:30], lines[30:]]
    for number, part in enumerate(parts):
        (tmp_path / f"part{number}.jsonl").write_text("\n".join(part) + "\n", "utf-8")
    bag = db.read_text(str(tmp_path / "part*.jsonl"), blocksize=None).map(str.strip)
    card = score_dataset(bag, "xiayang", client=client)
    expected = merge_scorecards(
        score_partial(part, "xiayang", key=(index,)) for index, part in enumerate(parts)
    ).scorecard()
    assert card.model_dump_json() == expected.model_dump_json()
    assert card.inputs == 45
    assert [r.source for r in card.rejections] == ["#5"]  # line 21: the 6th of part 1
    # without rejected records, the same bytes as scoring every line at once
    good = [line for line in lines if '"bad"' not in line]
    whole = score_dataset(db.from_sequence(good, npartitions=4), "xiayang", client=client)
    assert whole.model_dump_json() == score(good, "xiayang").model_dump_json()


@pytest.mark.slow
def test_bag_partitions_sharing_an_id_are_refused(client):
    import dask.bag as db

    lines = [o.model_dump_json() for o in generate_orders(6, seed=2)]
    bag = db.from_sequence([*lines, lines[0]], npartitions=2)
    with pytest.raises(ReadError, match=r"is in partitions #0 and #1"):
        score_dataset(bag, "daye", client=client)


@pytest.mark.slow
def test_a_dask_data_frame_of_orders_scores_as_one_process(client):
    import dask.dataframe as dd
    import pandas as pd

    orders = list(generate_orders(40, seed=12))
    texts = [o.model_dump_json() for o in orders]
    expected = score(texts, "daye").model_dump_json()
    one_column = dd.from_pandas(pd.DataFrame({"json": texts}), npartitions=3)
    assert score_dataset(one_column, "daye", client=client).model_dump_json() == expected
    named = dd.from_pandas(pd.DataFrame({"order": texts, "n": range(40)}), npartitions=2)
    assert score_dataset(named, "daye", client=client).model_dump_json() == expected
    unnamed = dd.from_pandas(pd.DataFrame({"a": texts, "b": texts}), npartitions=2)
    with pytest.raises(TypeError, match="one column"):
        score_dataset(unnamed, "daye", client=client)


def _with_a_bad_category(folder, orders):
    """A dataset of ``orders`` in two partitions, the first order's category made 抱怨."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    write_parquet(orders, folder, partition_size=len(orders) // 2)
    first = parquet_partitions(folder)[0].orders
    table = pq.read_table(first)
    categories = table.column("category").to_pylist()
    categories[0] = "抱怨"
    at = table.schema.get_field_index("category")
    pq.write_table(table.set_column(at, "category", pa.array(categories, pa.string())), first)
    return orders[0].id


@pytest.mark.slow
@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", "诉求类型（category）：应为以下之一：咨询、求助、投诉、举报、建议（实际为 '抱怨'）"),
        ("en", "category: Input should be 'consultation', 'help_request', 'complaint', 'report' "
               "or 'suggestion' (got '抱怨'); the Chinese terms are accepted too"),
    ],
)  # fmt: skip
def test_messages_made_on_the_workers_are_in_the_caller_s_language(
    tmp_path, client, lang, expected
):
    from grievance_rules.i18n import language

    bad = _with_a_bad_category(tmp_path, list(generate_orders(40, seed=8)))
    with language(lang):
        many = compare_dataset(tmp_path, ["xiayang", "daye"], client=client)
        one = compare(iter_parquet_orders(tmp_path), ["xiayang", "daye"])
    assert many.model_dump_json() == one.model_dump_json()
    (rejection,) = many.rejections
    assert rejection.order_id == bad
    assert rejection.reasons == (expected,)


@pytest.mark.slow
def test_a_library_error_on_a_worker_is_raised_not_logged_there(tmp_path, client):
    from grievance_rules.i18n import language

    write_parquet(generate_orders(40, seed=9), tmp_path, partition_size=20)
    damaged = parquet_partitions(tmp_path)[1].events
    with open(damaged, "rb") as handle:
        head = handle.read(300)
    with open(damaged, "wb") as handle:
        handle.write(head)
    with language("zh"), pytest.raises(ReadError, match="不是可读取的 Parquet 文件"):
        score_dataset(tmp_path, "xiayang", client=client)
    # the client raised it, once; the workers' own logs leave it out ...
    logs = [message for found in client.get_worker_logs().values() for _, message in found]
    assert not [m for m in logs if "Compute Failed" in m and "ReadError" in m]
    # ... but not a failure of another kind
    with pytest.raises(ValueError, match="invalid literal"):
        client.submit(int, "x", pure=False).result()
    logs = [message for found in client.get_worker_logs().values() for _, message in found]
    assert [m for m in logs if "Compute Failed" in m and "ValueError" in m]


def _with_a_naive_receipt(folder, orders):
    """A dataset of ``orders`` in two partitions, the first's receipts written without a zone."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    write_parquet(orders, folder, partition_size=len(orders) // 2)
    first = parquet_partitions(folder)[0].orders
    table = pq.read_table(first)
    at = table.schema.get_field_index("received_at")
    naive = table.column("received_at").cast(pa.timestamp("us"))  # a foreign file's wall time
    pq.write_table(table.set_column(at, "received_at", naive), first)


def test_a_task_names_the_zone_option_of_its_caller(tmp_path):
    from grievance_rules.reading.problems import zone_option_named

    _with_a_naive_receipt(tmp_path, list(generate_orders(12, seed=5)))
    # the command line's tasks name --tz (the caller's), a Python caller's assume_tz
    with zone_option_named("--tz"):
        cli_task = _tasks("score", tmp_path, ["daye"])[0]
    python_task = _tasks("score", tmp_path, ["daye"])[0]
    assert (cli_task.zone_option, python_task.zone_option) == ("--tz", None)
    said = {
        task.zone_option: run_partition(task).rejections[0][1].reasons[0]
        for task in (cli_task, python_task)
    }
    # the naive instant shown as a JSON record holds it (it was datetime.datetime(...))
    assert said[None].startswith("received_at: naive timestamp '2025-01-17T13:24:00' has")
    assert "read it with --tz naming the zone" in said["--tz"]
    assert "read it with assume_tz naming the zone" in said[None]
    # one process in the command line's context says what its worker says
    with zone_option_named("--tz"):
        one = score(iter_parquet_orders(tmp_path), "daye")
    assert said["--tz"] in one.rejections[0].reasons


def test_a_busy_port_8787_is_no_warning() -> None:
    # Dask's "Port 8787 is already in use ... Hosting the HTTP server on port N instead",
    # in English under --lang zh, when another run or program held the port
    import socket
    import warnings

    holder = socket.socket()
    try:
        holder.bind(("0.0.0.0", 8787))
    except OSError:
        holder.close()
        pytest.skip("port 8787 is held by another program: the case itself")
    holder.listen()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with cluster_client(workers=1) as local:
                assert len(local.scheduler_info()["workers"]) == 1
    finally:
        holder.close()
    assert not [w for w in caught if "8787" in str(w.message)]
