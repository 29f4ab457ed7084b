"""What the synthetic orders are about: a request's summary and who would handle it.

Each :class:`Topic` is a short summary (诉求内容) of the kind the street's
hotline receives, the office (属事) and the city department it belongs to
when it is not handled by the village or community (属地), and the
categories it is filed under. The generator picks a topic that fits the
order's category, then the handling unit by the unit-kind rates.

Example:
    >>> topics = topics_for("complaint")
    >>> topics[0].summary, topics[0].office, topics[0].department
    ('夜间施工噪音扰民', 'cgb', 'sthj')
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

__all__ = ["TOPICS", "Topic", "topics_for"]


@dataclass(frozen=True)
class Topic:
    """One thing a request may be about.

    Attributes:
        summary: the request as the hotline writes it down.
        categories: the category values it is filed under.
        office: id of the street office (属事) responsible for it.
        department: id of the city department or enterprise responsible for it.
    """

    summary: str
    categories: tuple[str, ...]
    office: str
    department: str


_C, _H, _R, _Q, _S = "complaint", "help_request", "report", "consultation", "suggestion"

TOPICS: tuple[Topic, ...] = (
    Topic("夜间施工噪音扰民", (_C, _R), "cgb", "sthj"),
    Topic("小区门口占道经营", (_C, _R), "cgb", "scjg"),
    Topic("餐饮店油烟扰民", (_C, _R), "hjb", "sthj"),
    Topic("垃圾清运不及时", (_C, _H), "cgb", "zjj"),
    Topic("楼道堆放杂物存在消防隐患", (_C, _R), "pab", "zjj"),
    Topic("违章搭建", (_C, _R), "cgb", "zjj"),
    Topic("物业服务不到位", (_C,), "wyb", "zjj"),
    Topic("小区停车收费不合理", (_C, _Q), "wyb", "scjg"),
    Topic("路灯不亮", (_C, _H), "cjb", "zjj"),
    Topic("道路破损积水", (_C, _H), "cjb", "jtj"),
    Topic("井盖缺失", (_C, _H), "cjb", "swj"),
    Topic("下水道堵塞", (_H, _C), "cjb", "swj"),
    Topic("供水中断", (_H, _C), "cjb", "swj"),
    Topic("燃气异味", (_H, _R), "pab", "rqgs"),
    Topic("小区停电未恢复", (_H, _C), "cjb", "gdgs"),
    Topic("广场舞噪音扰民", (_C,), "pab", "sthj"),
    Topic("宠物扰民", (_C,), "pab", "scjg"),
    Topic("电动车楼道充电", (_R, _C), "pab", "zjj"),
    Topic("共享单车乱停放", (_C, _S), "cgb", "jtj"),
    Topic("绿化带毁绿种菜", (_C, _R), "cgb", "zjj"),
    Topic("群租房安全隐患", (_R,), "pab", "zjj"),
    Topic("无证经营", (_R,), "jjb", "scjg"),
    Topic("企业违规排污", (_R, _C), "hjb", "sthj"),
    Topic("拖欠农民工工资", (_H, _C), "slb", "zjj"),
    Topic("独居老人生活困难求助", (_H,), "sfb", "zjj"),
    Topic("房屋漏水求助", (_H, _C), "wyb", "zjj"),
    Topic("咨询医保缴费政策", (_Q,), "slb", "scjg"),
    Topic("咨询居住证办理", (_Q,), "slb", "jtj"),
    Topic("咨询退休手续办理", (_Q,), "slb", "zjj"),
    Topic("咨询垃圾分类投放时间", (_Q,), "cgb", "zjj"),
    Topic("咨询老旧小区改造进度", (_Q, _S), "cjb", "zjj"),
    Topic("建议增设公交站点", (_S,), "cjb", "jtj"),
    Topic("建议小区增设充电桩", (_S,), "wyb", "gdgs"),
    Topic("建议增设健身设施", (_S,), "sfb", "zjj"),
)
"""Every topic, in a fixed order."""


@functools.cache
def topics_for(category: str) -> tuple[Topic, ...]:
    """The topics filed under a category value (in :data:`TOPICS` order).

    Raises:
        KeyError: no topic is filed under it.
    """
    found = tuple(topic for topic in TOPICS if category in topic.categories)
    if not found:
        raise KeyError(category)
    return found
