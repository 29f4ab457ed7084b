"""SHA-256 of every assessment's JSON over generated orders, per pack, and of compare's JSON.

Used to show an engine change leaves assessments byte-identical: run it before
and after (or on two checkouts) and diff the outputs. Fields named with
``--drop`` (e.g. ``engine``, a field the old code did not have) are removed from
each assessment's JSON before hashing.

    python tools/assessment_digests.py --orders 6000 --packs-dir policies > digests.txt
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from grievance_rules.engine import evaluate_many
from grievance_rules.packs import find_pack
from grievance_rules.samples import generate_orders
from grievance_rules.scoring.comparison import compare


def _canonical(raw: bytes, drop: list[str]) -> bytes:
    if not drop:
        return raw
    data = json.loads(raw)
    for name in drop:
        data.pop(name, None)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=20241)
    parser.add_argument("--packs-dir", default="policies")
    parser.add_argument("--drop", action="append", default=[])
    parser.add_argument("--per-order", action="store_true", help="print every order's digest")
    parser.add_argument("--extra-kwargs", default="{}", help="JSON of evaluate_many kwargs")
    args = parser.parse_args()
    extra = json.loads(args.extra_kwargs)
    orders = list(generate_orders(args.orders, seed=args.seed))
    packs = [find_pack(Path(args.packs_dir) / name) for name in ("chengdong", "xiayang", "daye")]
    for pack in packs:
        total = hashlib.sha256()
        for result in evaluate_many(orders, pack, **extra):
            raw = result.to_json()
            assert raw is not None, result.rejection
            digest = hashlib.sha256(_canonical(raw, args.drop)).hexdigest()
            total.update(digest.encode())
            if args.per_order:
                print(pack.key, orders[result.position].id, digest)
        print(pack.key, "all", len(orders), total.hexdigest())
    comparison = compare(orders[:2000], packs)
    data = json.loads(comparison.model_dump_json())
    print("compare", hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest())
    return 0


if __name__ == "__main__":
    sys.exit(main())
