/**
 * The member page's labels, in English and Chinese (merged into i18n.ts; `zh` must have the
 * shape of `en`, so a label missing from either language is a type error). The enum tables are
 * checked against the API's own types, so a new member status or incentive level needs a label.
 */
import type { Incentive, Member } from "../../../sdk/api/schemas";
import type { NotCounted } from "../../../sdk/incentives/claim";

type Labels<T extends string> = Record<T, string>;

export const memberEn = {
  // Page and header
  memberTitle: "Member",
  memberAddress: "Address",
  memberType: "Member type",
  memberStatus: "Membership",
  memberStatusName: { active: "Active member", suspended: "Suspended", retired: "Retired" } satisfies Labels<Member["status"]>,
  memberSuspendedNote: "Suspended: until the registrar reinstates it, the ledger's pre-trade checks treat this account as not an active member.",
  memberRetiredNote: "Retired: the organisation moved to another account (a key rotation); the account that took over is linked below.",
  memberJurisdiction: "Jurisdiction",
  memberJurisdictionName: { domestic: "Domestic", foreign: "Foreign" } satisfies Labels<Member["jurisdiction"]>,
  memberAdmitted: "Admitted",
  memberAdmittedBy: "Admitted by",
  memberSuspension: "Suspended",
  memberReboundTo: "Moved to account",
  memberReboundFrom: "Took over from account",
  memberNotFound: (address: string) =>
    `The address ${address} is not a member of the ledger: it was never admitted, or the address has a typo. Check the address; an account that is not a member may still hold assets.`,
  memberSearchAddress: "Search for assets held by this address",

  // Assets held
  memberAssetsHeading: "Assets held",
  memberAssetsTable: "Assets this member holds",
  memberAssetsCount: (n: number) => `${n} asset${n === 1 ? "" : "s"} held.`,
  memberNoAssets: "This member holds no assets.",
  memberColAsset: "Asset",

  // Licences held
  memberLicencesHeading: "Licences held",
  memberLicencesTable: "Licences granted to this member as licensee",
  memberNoLicences: "No licence has been granted to this member.",
  memberColLicence: "Licence",
  memberColState: "State",
  memberColTerm: "Term",
  memberLicencesNote: "A suspended licence may not be exercised while its cause lasts (the asset graded core, or a cross-border clearance gone); an expired, revoked or ended one no longer applies.",

  // The milestone report: period
  memberReportHeading: "Milestone report and matching-fund claim",
  memberReportIntro:
    "The firsts (milestones) this member's assets reached in a period, the incentives recorded for them, and the matching funds the member may claim under the zone's rule. Dates are in your local time.",
  memberPeriodLegend: "Report period",
  memberFrom: "From",
  memberTo: "To",
  memberFromHelp: "From midnight of this date (local time). Leave empty for no start.",
  memberToHelp: "Includes this whole day, to 23:59:59 local time. Leave empty for everything to date.",
  memberShowReport: "Show the report",
  memberDateInvalid: (field: string, raw: string) => `${field}: "${raw}" is not a valid date; use YYYY-MM-DD.`,
  memberDateOutOfRange: (field: string) => `${field}: the date must fall between 1970 and 2106.`,
  memberDateReversed: (to: string, from: string) => `${to}: the end date is before the "${from}" date; choose an end on or after the start.`,
  memberFixPeriod: "Correct the period to see the report.",
  memberReportLoading: "Loading the firsts and the matching rule…",
  memberPeriodText: (from: string, to: string) =>
    from && to ? `Firsts from ${from} to ${to}, both days included.` : from ? `Firsts from ${from} on.` : to ? `Firsts up to and including ${to}.` : "All firsts to date (no period chosen).",
  memberPeriodStart: "Period starts",
  memberPeriodEnd: "Period ends",

  // The milestone report: table
  memberFirstsHeading: "Firsts in the period",
  memberFirstsTable: "Firsts in the period, with their incentives and matching funds",
  memberFirstsCount: (n: number) => `${n} first${n === 1 ? "" : "s"} in the period.`,
  memberNoFirsts: "No firsts in this period.",
  memberColFirst: "First",
  memberColWhen: "When",
  memberColIncentives: "Incentives",
  memberColMatching: "Matching",
  memberColClaim: "Claim",
  memberAnnulled: "Annulled",
  memberNoIncentives: "No incentive recorded",
  memberLevelName: { national: "National", municipal: "Municipal" } satisfies Labels<Incentive["level"]>,
  memberMatchingOf: (amount: string) => `matching ${amount}`,
  memberNotCounted: (reason: string) => `not counted: ${reason}`,
  memberNotCountedName: {
    annulled: "the first was annulled",
    revoked: "withdrawn by the bureau",
    currency: "not in the rule's currency",
  } satisfies Labels<NotCounted>,
  memberCappedShort: "cut by the cap",

  // The claim
  memberClaimHeading: "The claim",
  memberRuleHeading: "The matching rule",
  memberRuleNational: "National incentives",
  memberRuleMunicipal: "Municipal incentives",
  memberRuleCap: "Cap",
  memberCapPerEnterprise: (cap: string) => `${cap} per enterprise`,
  memberRulePolicy: "Policy",
  memberRatioNote: "A ratio 1:r matches each unit of incentive with r units of matching funds, rounded down to the currency's minor unit.",
  memberTotalsHeading: "Totals for the period",
  memberTotalMatching: "Matching before the cap",
  memberCapUsedBefore: "Drawn on the cap by earlier firsts (before the period)",
  memberClaimTotal: "Claim for the period (cap applied)",
  memberCapRemaining: "Cap left after this claim",
  memberCapApplied: (matching: string, claim: string, cap: string, before: string) =>
    `The cap cut this claim: the period's firsts match ${matching}, but the cap of ${cap} per enterprise, of which earlier firsts drew ${before}, leaves ${claim} to claim.`,
  memberAnnulledNote:
    "An annulled first earns nothing: its incentives are listed but not counted, and it draws nothing on the cap. An incentive the bureau withdrew, or one in another currency than the rule's, counts for nothing too.",
  memberCapNote: "The cap is per enterprise and cumulative: firsts before the period draw on it first, so claims for consecutive periods never add up to more than the cap.",
  memberDownloadCsv: "Download CSV",
  memberCsvHelp: "One row per incentive, amounts in major units, then the total and the cap.",
};

export const memberZh: typeof memberEn = {
  memberTitle: "会员",
  memberAddress: "地址",
  memberType: "会员类型",
  memberStatus: "会员资格",
  memberStatusName: { active: "正常会员", suspended: "已暂停", retired: "已停用" },
  memberSuspendedNote: "已暂停：在登记机构恢复其资格之前，登记簿的交易前检查将此账户视为非有效会员。",
  memberRetiredNote: "已停用：该机构已改用另一账户（密钥轮换）；接替的账户见下方链接。",
  memberJurisdiction: "注册地",
  memberJurisdictionName: { domestic: "境内", foreign: "境外" },
  memberAdmitted: "入会时间",
  memberAdmittedBy: "批准入会",
  memberSuspension: "暂停",
  memberReboundTo: "已迁移至账户",
  memberReboundFrom: "接替自账户",
  memberNotFound: (address) => `地址 ${address} 不是登记簿的会员：该账户从未入会，或地址有误。请核对地址；非会员账户仍可能持有资产。`,
  memberSearchAddress: "搜索此地址持有的资产",

  memberAssetsHeading: "持有的资产",
  memberAssetsTable: "该会员持有的资产",
  memberAssetsCount: (n) => `持有 ${n} 项资产。`,
  memberNoAssets: "该会员未持有资产。",
  memberColAsset: "资产",

  memberLicencesHeading: "获得的许可",
  memberLicencesTable: "该会员作为被许可方获得的许可",
  memberNoLicences: "该会员尚未获得任何许可。",
  memberColLicence: "许可",
  memberColState: "状态",
  memberColTerm: "期限",
  memberLicencesNote: "已中止的许可在中止原因存续期间（资产被定为核心数据，或跨境许可失效）不得行使；已到期、已撤销或已结束的许可不再适用。",

  memberReportHeading: "首次记录报告与配套资金申领",
  memberReportIntro: "该会员的资产在某一期间内达成的首次记录（里程碑）、为其记录的奖励，以及该会员按本区规则可申领的配套资金。日期按您的本地时间计算。",
  memberPeriodLegend: "报告期间",
  memberFrom: "起始日期",
  memberTo: "截止日期",
  memberFromHelp: "自该日零时（本地时间）起。留空表示不限起始。",
  memberToHelp: "包含当天全天，至本地时间 23:59:59。留空表示截至目前的全部记录。",
  memberShowReport: "生成报告",
  memberDateInvalid: (field, raw) => `${field}：“${raw}”不是有效日期；请使用 YYYY-MM-DD 格式。`,
  memberDateOutOfRange: (field) => `${field}：日期须在 1970 年至 2106 年之间。`,
  memberDateReversed: (to, from) => `${to}：结束日期早于“${from}”；请选择不早于起始日期的结束日期。`,
  memberFixPeriod: "请更正报告期间后查看报告。",
  memberReportLoading: "正在加载首次记录和配套规则…",
  memberPeriodText: (from, to) =>
    from && to ? `${from} 至 ${to}（含首尾两日）的首次记录。` : from ? `${from} 起的首次记录。` : to ? `截至 ${to}（含当日）的首次记录。` : "截至目前的全部首次记录（未选择期间）。",
  memberPeriodStart: "期间起点",
  memberPeriodEnd: "期间终点",

  memberFirstsHeading: "期间内的首次记录",
  memberFirstsTable: "期间内的首次记录及其奖励和配套资金",
  memberFirstsCount: (n) => `期间内共 ${n} 项首次记录。`,
  memberNoFirsts: "此期间内没有首次记录。",
  memberColFirst: "首次记录",
  memberColWhen: "时间",
  memberColIncentives: "奖励",
  memberColMatching: "配套金额",
  memberColClaim: "申领金额",
  memberAnnulled: "已撤销",
  memberNoIncentives: "未记录奖励",
  memberLevelName: { national: "国家级", municipal: "市级" },
  memberMatchingOf: (amount) => `配套 ${amount}`,
  memberNotCounted: (reason) => `不计入：${reason}`,
  memberNotCountedName: {
    annulled: "该首次记录已被撤销",
    revoked: "已被主管部门撤回",
    currency: "币种与规则不符",
  },
  memberCappedShort: "受上限削减",

  memberClaimHeading: "申领",
  memberRuleHeading: "配套规则",
  memberRuleNational: "国家级奖励",
  memberRuleMunicipal: "市级奖励",
  memberRuleCap: "上限",
  memberCapPerEnterprise: (cap) => `每家企业 ${cap}`,
  memberRulePolicy: "政策依据",
  memberRatioNote: "比例 1:r 表示每 1 单位奖励配套 r 单位资金，按币种最小单位向下取整。",
  memberTotalsHeading: "本期合计",
  memberTotalMatching: "上限前的配套金额",
  memberCapUsedBefore: "此前的首次记录已占用的上限额度（本期之前）",
  memberClaimTotal: "本期申领金额（已适用上限）",
  memberCapRemaining: "本次申领后剩余上限",
  memberCapApplied: (matching, claim, cap, before) =>
    `上限削减了本次申领：本期首次记录的配套金额为 ${matching}，但每家企业上限为 ${cap}，此前的首次记录已占用 ${before}，本期仅可申领 ${claim}。`,
  memberAnnulledNote: "已撤销的首次记录不产生任何配套资金：其奖励仅列示而不计入，也不占用上限。主管部门撤回的奖励，或币种与规则不符的奖励，同样不计入。",
  memberCapNote: "上限按企业累计计算：本期之前的首次记录优先占用上限，因此各期申领合计不会超过上限。",
  memberDownloadCsv: "下载 CSV",
  memberCsvHelp: "每项奖励一行，金额以主币单位表示，末尾附合计与上限。",
};
