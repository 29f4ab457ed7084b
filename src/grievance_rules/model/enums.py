"""The enumerations of the work-order model, each member with its Chinese term.

Values are English snake_case and never change meaning; ``zh`` is the term the
source documents use, ``aliases`` other spellings accepted on input. The
glossary (``docs/glossary.md``) lists every member.

Example:
    >>> Channel("省级热线").value, Urgency("次紧急").value, UnitKind("属地").value
    ('provincial_hotline', 'semi_urgent', 'village_community')
"""

from __future__ import annotations

from grievance_rules.model.terms import TermEnum

__all__ = [
    "CallbackMethod",
    "Category",
    "Channel",
    "ClosureOutcome",
    "ContactMethod",
    "EscalationReason",
    "EvidenceKind",
    "LeaderRole",
    "OrderFlag",
    "RedoLevel",
    "ReplyKind",
    "ReturnDecision",
    "Satisfaction",
    "SpecialKind",
    "StrikeScope",
    "SupervisionLevel",
    "SupervisionMode",
    "SupervisionReason",
    "Trust",
    "UnitKind",
    "Urgency",
]


class Channel(TermEnum):
    """Where the request came in (受理渠道)."""

    HOTLINE_12345 = (
        "hotline_12345",
        "12345热线",
        ("12345", "12345市民服务热线", "12345政务服务热线"),
    )
    PROVINCIAL_HOTLINE = "provincial_hotline", "省级热线"
    CITY_HOTLINE = "city_hotline", "市级12345热线", ("黄石市级12345",)
    MAYOR_HOTLINE = "mayor_hotline", "市长专线"
    DISTRICT_HEAD_HOTLINE = "district_head_hotline", "区长专线", ("区长热线",)
    INTERNET_SUPERVISION = "internet_supervision", "互联网+监督"
    APP = "app", "APP", ("云上大冶APP", "手机APP")
    WECHAT = "wechat", "微信", ("微信公众号", "今日大冶微信公众号", "微信投诉", "微信小程序")
    WEB = "web", "网上平台", ("12345网上接诉即办", "网站")
    LEADER_MESSAGE_BOARD = "leader_message_board", "领导留言板", ("人民网地方领导留言板",)
    STATE_COUNCIL_SUPERVISION = "state_council_supervision", "国办互联网+督查平台"
    GOVERNMENT_WEIBO = "government_weibo", "政务微博"
    MAILBOX = "mailbox", "领导信箱", ("区长信箱",)
    LETTER_OR_VISIT = "letter_or_visit", "信访", ("来信", "来访")
    GRID_STAFF = "grid_staff", "网格员", ("社区网格员",)
    POLICE_110 = "police_110", "110指挥中心", ("110", "110联动")
    TAX_HOTLINE_12366 = "tax_hotline_12366", "12366税务热线", ("12366",)
    OTHER = "other", "其他渠道"


class Category(TermEnum):
    """What kind of request it is (诉求类型)."""

    CONSULTATION = "consultation", "咨询"
    HELP_REQUEST = "help_request", "求助", ("非紧急求助",)
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    SUGGESTION = "suggestion", "建议", ("意见建议", "意见")


class Urgency(TermEnum):
    """How urgent the order is, as the dispatching centre marked it."""

    NORMAL = "normal", "一般", ("一般工单", "普通")
    SEMI_URGENT = "semi_urgent", "次紧急"
    URGENT = "urgent", "紧急", ("紧急件",)
    IMMEDIATE = "immediate", "即时性诉求", ("即来即办",)


class SpecialKind(TermEnum):
    """Special kinds of order that carry their own time limits or scoring."""

    RESPOND_AT_ONCE = "respond_at_once", "接诉即办件", ("接诉即办",)
    SNAPSHOT = "snapshot", "随身拍", ("随身拍工单",)
    CITY_REVIEW = "city_review", "市级复核单"
    PLANNED_COMPLETION = "planned_completion", "计划性办结工单"
    ON_ACCOUNT = "on_account", "挂账", ("挂账办理",)
    GROUP_ISSUE = "group_issue", "群体性诉求"
    LEGACY_ISSUE = "legacy_issue", "历史遗留问题"
    LEADER_SIGNED = "leader_signed", "领导签批件", ("市级签批件",)
    MEDIA_EXPOSED = "media_exposed", "媒体曝光"
    JOINT_DISPATCH = "joint_dispatch", "联合双派"


class OrderFlag(TermEnum):
    """Flags on an order as a whole."""

    EXCLUDED_FROM_ASSESSMENT = "excluded_from_assessment", "不纳入测评", ("不纳入测评工单",)
    NOT_ACCEPTED = "not_accepted", "不予受理"
    ANSWERED_ONLINE = "answered_online", "话务员在线答复", ("在线答复",)
    TRANSFERRED_OUT = "transferred_out", "在线转接", ("转接上级热线",)
    REPEAT = "repeat", "重复投诉", ("重复工单", "重复投诉件")


class UnitKind(TermEnum):
    """What kind of body a unit is.

    Upstream kinds (centres, governments, discipline bodies) dispatch, call back,
    supervise and decide; the others handle orders (承办单位).
    """

    DISPATCH_CENTRE = "dispatch_centre", "派件单位", ("党政办公室", "街道城运中心", "城运中心")
    DISTRICT_CENTRE = (
        "district_centre",
        "区投诉中心",
        ("区中心", "区城运中心", "区政府市民投诉中心"),
    )
    CITY_CENTRE = (
        "city_centre",
        "市热线中心",
        ("市12345公共热线服务中心", "热线中心", "市政府市民投诉中心"),
    )
    GOVERNMENT = "government", "政府", ("市政府", "区政府", "街道办事处")
    DISCIPLINE_BODY = "discipline_body", "纪委监委", ("市纪委监委", "街道纪工委", "纪检监察工委")
    STREET_OFFICE = (
        "street_office",
        "属事",
        ("街道办公室", "街道中心", "四级承办部门", "办公室（中心）"),
    )
    VILLAGE_COMMUNITY = "village_community", "属地", ("村（社区）", "村居", "社区", "村")
    TOWNSHIP = "township", "乡镇（街道）", ("乡镇", "街道", "街乡")
    CITY_DEPARTMENT = "city_department", "市直部门", ("市级部门", "市直单位")
    DISTRICT_DEPARTMENT = "district_department", "区直部门", ("区级部门",)
    PUBLIC_ENTERPRISE = "public_enterprise", "企事业单位", ("公共服务企业",)
    PEOPLES_ORGANISATION = "peoples_organisation", "人民团体"
    GRID_WORKSTATION = "grid_workstation", "联勤联动工作站", ("网格联勤联动工作站",)
    OTHER = "other", "其他单位"

    @property
    def is_upstream(self) -> bool:
        """Whether the unit dispatches or oversees rather than handles orders.

        Example:
            >>> UnitKind.DISTRICT_CENTRE.is_upstream, UnitKind.VILLAGE_COMMUNITY.is_upstream
            (True, False)
        """
        return self in UPSTREAM_UNIT_KINDS


UPSTREAM_UNIT_KINDS = frozenset(
    {
        UnitKind.DISPATCH_CENTRE,
        UnitKind.DISTRICT_CENTRE,
        UnitKind.CITY_CENTRE,
        UnitKind.GOVERNMENT,
        UnitKind.DISCIPLINE_BODY,
    }
)
"""Unit kinds that dispatch or oversee rather than handle orders."""


class LeaderRole(TermEnum):
    """Roles of the leaders answerable for a unit's orders."""

    MAIN_LEADER = "main_leader", "主要领导", ("街道主要领导", "一把手")
    PARTY_COMMITTEE_HEAD = "party_committee_head", "党工委主要负责人"
    LEADER_IN_CHARGE = "leader_in_charge", "分管领导", ("分管党政领导", "分管投诉负责人")
    LIAISON_LEADER = "liaison_leader", "挂包领导", ("挂包党政领导",)
    INSTRUCTOR = "instructor", "指导员", ("挂包指导员",)
    PARTY_SECRETARY = "party_secretary", "村（社区）书记", ("党组织书记", "书记")
    DEPARTMENT_HEAD = "department_head", "部门负责人", ("承办部门负责人", "负责人")
    RESPONSIBLE_PERSON = "responsible_person", "具体负责人", ("办公室副主任", "中心主任")
    COMMITTEE_MEMBER = "committee_member", "两委成员", ("“两委”成员",)
    DUTY_LEADER = "duty_leader", "值班带班领导"


class Satisfaction(TermEnum):
    """A callback rating of the process, the result or the whole."""

    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class Trust(TermEnum):
    """The callback's trust rating (信任度评价, 大冶)."""

    TRUSTING = "trusting", "信任"
    BASICALLY_TRUSTING = "basically_trusting", "基本信任"
    DISTRUSTING = "distrusting", "不信任"


class CallbackMethod(TermEnum):
    """How a callback was made."""

    MANUAL = "manual", "人工回访"
    AUTOMATED_VOICE = "automated_voice", "电话语音自动回访"
    SMS = "sms", "短信回访"
    THIRD_PARTY = "third_party", "第三方评价"


class ContactMethod(TermEnum):
    """How a unit reached the complainant."""

    PHONE = "phone", "电话"
    IN_PERSON = "in_person", "见面", ("面对面", "上门")
    ON_SITE = "on_site", "现场", ("到现场",)
    MESSAGE = "message", "短信/微信"


class EvidenceKind(TermEnum):
    """Evidence attached to a reply or a return request."""

    PHOTO = "photo", "图片", ("现场情况图像资料", "照片")
    AUDIO = "audio", "录音"
    VIDEO = "video", "录像", ("影像资料",)
    POLICY_BASIS = "policy_basis", "政策依据", ("法律依据",)
    WRITTEN_STATEMENT = "written_statement", "书面说明", ("退单说明", "核减说明")
    FORM = "form", "表格", ("退单申请表", "工单处理记录表", "提级办理申请表")
    OTHER = "other", "其他材料"


class ReplyKind(TermEnum):
    """What a reply is."""

    SUBSTANTIVE = "substantive", "答复", ("办理结果", "处置提交")
    PRELIMINARY = "preliminary", "初步回复"
    EXPLANATION = "explanation", "解释说明", ("耐心解释",)
    ON_ACCOUNT = "on_account", "挂账答复"
    FACE_TO_FACE = "face_to_face", "面复"


class ReturnDecision(TermEnum):
    """The decision on a return request (退单审核)."""

    APPROVED = "approved", "同意回退", ("通过",)
    REFUSED = "refused", "不予回退", ("未通过", "驳回")


class RedoLevel(TermEnum):
    """Who ordered a redo (重办)."""

    STREET = "street", "街道重办", ("再次处置", "再次流转")
    DISTRICT = "district", "区重办"
    CITY = "city", "市重办", ("书面交办",)


class SupervisionLevel(TermEnum):
    """Which level put the order under supervision (督办)."""

    STREET = "street", "街道督办"
    DISTRICT = "district", "区督办", ("区列入督办",)
    CITY = "city", "市督办", ("市列入督办",)
    DISCIPLINE = "discipline", "纪委监委督办"


class SupervisionMode(TermEnum):
    """The five supervision modes (大冶 (十二))."""

    PHONE = "phone", "电话督办"
    LETTER = "letter", "公函督办", ("书面督办",)
    MEETING = "meeting", "会议督办"
    INSTRUCTION = "instruction", "批示督办"
    ON_SITE = "on_site", "现场督办"


class SupervisionReason(TermEnum):
    """Why an order was put under supervision."""

    OVERDUE = "overdue", "逾期未办结", ("逾期",)
    POOR_QUALITY = "poor_quality", "办理质量差", ("敷衍塞责",)
    BUCK_PASSING = "buck_passing", "推诿", ("推诿扯皮",)
    POOR_HANDLING = "poor_handling", "办理不力", ("久拖不决",)
    MULTI_UNIT = "multi_unit", "多部门协商"
    HOT_ISSUE = "hot_issue", "热点难点问题"
    DISPUTE = "dispute", "各执一词"
    REPEATED = "repeated", "重复反映"
    OTHER = "other", "其他原因"


class EscalationReason(TermEnum):
    """Why an order was escalated (提级办理, 城东 三（八）)."""

    REPEATEDLY_UNSATISFIED = "repeatedly_unsatisfied", "多次办理仍未满意"
    SECOND_CONTINUATION_RISK = "second_continuation_risk", "存在二次续报风险"
    COORDINATION_FAILED = "coordination_failed", "多次协调无果"
    OTHER = "other", "其他原因"


class StrikeScope(TermEnum):
    """What a strike-off (核减) removes the order from."""

    DISSATISFIED_COUNT = "dissatisfied_count", "不满意工单", ("核减不满意工单",)
    ASSESSMENT = "assessment", "考核"


class ClosureOutcome(TermEnum):
    """How an order was closed (办结)."""

    RESOLVED = "resolved", "已解决"
    EXPLAINED = "explained", "解释办结"
    ON_ACCOUNT = "on_account", "挂账办结"
    HANDLED_LAWFULLY = "handled_lawfully", "依法办理办结", ("作办结处理",)
    NOT_ACCEPTED = "not_accepted", "不予受理"
