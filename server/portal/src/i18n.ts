/**
 * Every label of the portal, in Chinese and English. `zh` is typed as `Messages` (the shape of
 * `en`), so a key missing from either language, or an extra one, is a type error; the enum
 * tables are checked against the API's own enum types, so a new API value needs a label too.
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { AssetResponse, License, Pledge, Tradability } from "../../../sdk/api/schemas";
import { memberEn, memberZh } from "./i18n-member";
import { verifyEn, verifyZh } from "./i18n-verify";

export type Lang = "zh" | "en";
export const LANGS: readonly Lang[] = ["zh", "en"];
/** What `<html lang>` says for each language. */
export const HTML_LANG: Record<Lang, string> = { zh: "zh-CN", en: "en" };

type Labels<T extends string> = Record<T, string>;
type AssetStatus = AssetResponse["status"];
type Clearance = AssetResponse["crossBorderClearances"][number];
type ReasonCode = Tradability["reasons"][number]["code"];

const en = {
  // Shell
  skipToContent: "Skip to main content",
  mainNav: "Main",
  navSearch: "Search",
  navCheck: "Pre-trade check",
  navVerify: "Verify a certificate",
  language: "Language",
  languageName: { zh: "中文", en: "English" } satisfies Labels<Lang>,
  footer: "Read from the ledger's index through the provenance API; every answer states the block it reflects.",
  pageNotFoundTitle: "Page not found",
  pageNotFound: (path: string) => `The portal has no page "${path}".`,

  // Search
  searchTitle: "Search data assets",
  searchLabel: "Search",
  searchHelp: "Registration number (DR-…), content-hash prefix (0x…), holder address, member name or asset name",
  searchButton: "Search",
  searchPrompt: "Enter a registration number, a hash prefix, an address or a name to search the ledger.",
  searching: "Searching…",
  resultsHeading: "Results",
  resultsCount: (n: number, more: boolean) => `${n} asset${n === 1 ? "" : "s"} shown${more ? "; more follow" : ""}.`,
  noResults: (q: string) => `No asset in the ledger matches "${q}". Try a shorter prefix, or another word of the name.`,
  moreResults: "More results",
  loadingMore: "Loading more…",
  partialNote: "The search stopped at its per-request bound before filling the page: more results may follow.",

  // Pre-trade check
  checkTitle: "Pre-trade check",
  checkIntro: "Check, before a trade, whether the ledger's rules let the current holder sell this asset (or license a right of it) to the buyer.",
  checkAsset: "Asset",
  checkAssetHelp: "Asset id or registration number (DR-…)",
  checkBuyer: "Buyer address",
  checkBuyerHelp: "The buyer's 0x-prefixed 20-byte address",
  checkRights: "Rights",
  checkButton: "Check the trade",
  checkPrompt: "Enter an asset and a buyer address, then check the trade.",
  checking: "Checking…",
  checkThisAsset: "Check a trade of this asset",
  verdictHeading: "Verdict",
  verdictTradable: "TRADABLE",
  verdictBlocked: "BLOCKED",
  reasonsHeading: "Reasons",
  reasonsCount: (n: number) => `${n} check${n === 1 ? "" : "s"} failed, in the contracts' order.`,
  noReasons: "Every check passed.",
  firstReason: "answered by the on-chain pre-trade check",
  reasonParty: "Party",
  partySeller: "seller",
  partyBuyer: "buyer",
  computedAtBlock: (block: number) => `Computed at block ${block}`,
  seller: "Seller (current holder)",
  noSeller: "None (the asset has no holder)",
  buyer: "Buyer",
  frozenBy: "Frozen by court order",
  frozenCase: "case",
  pledgedTo: "Pledged to",
  reasonName: {
    OK: "No objection",
    NotRegistered: "Not registered",
    Disputed: "Disputed (admitted objection open)",
    Frozen: "Frozen by a court",
    Pledged: "Pledged",
    Expired: "Registration expired",
    Cancelled: "Registration cancelled",
    CoreData: "Core data: may not be traded",
    NotMember: "Not an active member",
    CrossBorderNotCleared: "Cross-border provision not cleared",
    NotHolder: "Seller is not the holder",
    RightsNotClaimed: "Right not claimed by the registration",
  } satisfies Labels<ReasonCode>,

  // Errors
  errorTitle: "Something went wrong",
  badRequest: "The ledger refused this request:",
  badField: (field: string) => `Parameter at fault: ${field}`,
  unavailable: "The ledger's API is unavailable right now (no answer, or a server error). Try again shortly.",
  unexpectedAnswer: "The ledger's API answered something this portal does not understand.",
  requestFailed: (status: number) => `The ledger's API answered HTTP ${status}:`,
  assetNotFound: (ref: string) => `There is no asset ${ref} in the ledger; check the number.`,
  crashed: "This page hit an unexpected error.",
  backToSearch: "Back to search",
  retry: "Try again",

  // Asset page: frame
  loading: "Loading…",
  assetHeading: "Data asset",
  assetId: "Asset id",
  registrationNumber: "Registration number",
  noRegistrationNumber: "none yet",
  asOfBlock: (block: number) => `As of block ${block}`,
  statusHeading: "Status",
  status: "Status",

  // Status badges
  statusName: {
    none: "Unknown",
    applied: "Application pending",
    publicity: "In publicity",
    registered: "Registered",
    refused: "Refused",
    cancelled: "Cancelled",
  } satisfies Labels<AssetStatus>,
  badgeExpired: "Expired",
  badgeDisputed: "Disputed",
  badgeObjection: "Objection pending",
  badgeFrozen: "Frozen",
  badgePledged: "Pledged",
  badgeListed: "Listed",
  publicityUntil: "Publicity ends",

  // Overview
  overviewHeading: "Holder and rights",
  holder: "Holder",
  holderName: "Member name",
  noHolder: "No holder (the application was refused or the asset cancelled)",
  notMember: "not a member",
  applicant: "Applicant",
  rights: "Rights",
  grade: "Security grade",
  category: "Data category",
  kind: "Kind",
  productForm: "Product form",
  sourceType: "Source",
  personalInfo: "Personal information",
  registrantType: "Registrant type",
  validUntil: "Valid until",
  applied: "Applied",
  confirmed: "Registered",
  refused: "Refused",
  cancelled: "Cancelled",
  lastHolder: "Last holder",
  reasonHash: "Reason hash",
  by: "By",
  updated: "Last change",
  rightName: { holding: "Holding right", processing: "Processing and use right", operation: "Product operation right" } satisfies Labels<License["rights"][number]>,
  gradeName: { general: "General", important: "Important", core: "Core" } satisfies Labels<AssetResponse["grade"]>,
  categoryName: { public: "Public data", enterprise: "Enterprise data", personal: "Personal data" } satisfies Labels<AssetResponse["category"]>,
  kindName: { resource: "Data resource", product: "Data product" } satisfies Labels<AssetResponse["kind"]>,
  productFormName: { none: "—", dataset: "Dataset", report: "Report", api: "API", model: "Model", index: "Index" } satisfies Labels<AssetResponse["productForm"]>,
  sourceTypeName: {
    selfCollected: "Self-collected",
    licensed: "Licensed",
    purchased: "Purchased",
    publicAuthorisation: "Public-data authorisation",
    derived: "Derived",
  } satisfies Labels<AssetResponse["sourceType"]>,
  personalInfoName: { none: "None", deIdentified: "De-identified", anonymised: "Anonymised" } satisfies Labels<AssetResponse["personalInfo"]>,
  memberTypeName: { enterprise: "Enterprise", publicBody: "Public body", dataProductCompany: "Data product company", other: "Other" } satisfies Labels<
    AssetResponse["registrantType"]
  >,

  // Court holds and objections
  holdsHeading: "Court holds",
  caseHash: "Case hash",
  court: "Court",
  placed: "Placed",
  objectionsHeading: "Open objections",
  objection: (id: string) => `Objection ${id}`,
  claimant: "Claimant",
  evidenceHash: "Evidence hash",
  filed: "Filed",
  admitted: "Admitted",
  notAdmitted: "Not admitted yet",

  // Firsts, valuation, pledges, listing, compliance
  firstsHeading: "Firsts (milestones)",
  noFirsts: "No firsts recorded.",
  annulledFirsts: "Annulled firsts",
  milestoneName: {
    registration: "First registration",
    listing: "First listing",
    trade: "First trade",
    financialStatements: "First on the balance sheet",
    opening: "First opening",
    financing: "First financing",
  } satisfies Labels<AssetResponse["milestones"][number]>,
  valuationHeading: "Latest valuation",
  noValuation: "No valuation recorded.",
  valuationId: "Valuation id",
  value: "Value",
  method: "Method",
  methodName: { cost: "Cost", market: "Market", income: "Income" } as Record<string, string>,
  valuationDate: "Valuation date",
  evaluator: "Evaluator",
  pledgesHeading: "Pledges",
  noPledges: "No pledges.",
  pledge: (id: string) => `Pledge ${id}`,
  pledgor: "Pledgor",
  pledgee: "Pledgee",
  securedAmount: "Secured amount",
  dueDate: "Due date",
  registryRefHash: "Registry reference hash",
  proposed: "Proposed",
  activated: "Activated",
  carried: "Carried to a new holder",
  carriedStep: (from: string, to: string) => `${from} → ${to}`,
  ended: "Ended",
  byCourt: "by court order",
  pledgeStateName: {
    none: "Unknown",
    proposed: "Proposed",
    active: "Active",
    released: "Released",
    enforced: "Enforced",
    withdrawn: "Withdrawn",
    discharged: "Discharged",
  } satisfies Labels<Pledge["state"]>,
  listingHeading: "Listing",
  exchange: "Exchange",
  listingRefHash: "Listing reference hash",
  orderHash: "Order hash",
  listed: "Listed",
  listingLive: "Live",
  listingLapsed: "Lapsed (the holder changed)",
  complianceHeading: "Compliance",
  clearancesHeading: "Cross-border clearances",
  recipient: "Recipient",
  mechanism: "Mechanism",
  routeHash: "Route hash",
  regulator: "Regulator",
  mechanismName: {
    securityAssessment: "Security assessment",
    standardContract: "Standard contract",
    certification: "Certification",
    exempt: "Exempt",
  } satisfies Labels<Clearance["mechanism"]>,
  sandboxApproval: "Sandbox approval",
  approvalHash: "Approval hash",
  deidentificationReview: "De-identification review",
  reviewPassed: "Passed",
  reviewFailed: "Failed",
  reportHash: "Report hash",

  // Licences
  licencesHeading: "Licences",
  licencesCount: (active: number, ended: number) => `${active} in force or pending, ${ended} ended.`,
  noLicences: "No licences granted.",
  moreLicences: "More licences",
  licence: (id: string) => `Licence ${id}`,
  sublicenceOf: (id: string) => `sublicence of licence ${id}`,
  sublicences: "Sublicences",
  licensor: "Licensor",
  licensee: "Licensee",
  territory: "Territory",
  territoryName: { domestic: "Domestic", crossBorder: "Cross-border" } satisfies Labels<License["territory"]>,
  start: "Starts",
  end: "Ends",
  fee: "Fee",
  terms: "Terms",
  sublicensable: "sublicensable",
  notSublicensable: "not sublicensable",
  revocable: "revocable",
  viaOffer: "granted through a signed offer",
  granted: "Granted",
  revoked: "Revoked",
  withConsent: "with the licensee's consent",
  endCauseName: { lapsed: "Lapsed", assetCancelled: "Asset cancelled" } satisfies Labels<NonNullable<License["ended"]>["cause"]>,
  licenceStateName: {
    none: "Unknown",
    active: "Active",
    notStarted: "Not started",
    expired: "Expired",
    revoked: "Revoked",
    ended: "Ended",
    assetNotRegistered: "Asset not registered",
    suspended: "Suspended",
    parentEnded: "Parent licence not in force",
  } satisfies Labels<License["state"]>,

  // Lineage
  lineageHeading: "Lineage",
  parents: "Derived from (parents)",
  children: "Derived into (children)",
  ancestors: "Earlier ancestors",
  descendants: "Later descendants",
  noParents: "No parents: this asset is not derived from another.",
  noChildren: "No registered asset is derived from this one.",
  generation: (n: number) => `${n} generations away`,
  viaLicence: (id: string) => `via licence ${id}`,
  lineageTruncated: "The lineage is larger than the API walks in one answer: more ancestors or descendants exist.",

  // Timeline
  timelineHeading: "Provenance timeline",
  eventsCount: (n: number, more: boolean) => `${n} event${n === 1 ? "" : "s"}${more ? " loaded so far" : ""}.`,
  noEvents: "No events recorded.",
  loadMore: "Load more events",
  block: "Block",
  time: "Time",
  tx: "Transaction",
  event: "Event",
  actor: "Actor",
  fields: "Fields",

  // Certificate
  certificateHeading: "Rights certificate",
  certificateNote: "An unsigned preview, read from the chain at its latest block.",
  certificateNotRegistered: "Only a registered asset has a certificate: the server will refuse this one.",
  downloadPdf: "Download certificate (PDF)",
  downloadJson: "Download certificate (JSON)",

  // Technical details
  technicalHeading: "Hashes and metadata",
  contentHash: "Content hash",
  sourceEvidenceHash: "Source evidence hash",
  metadataHash: "Metadata hash",
  metadataUri: "Metadata URI",
  metadataVersion: "Metadata version",
  commitment: "Commitment",

  // Values
  yes: "Yes",
  no: "No",
  none: "None",
  localTime: "local",
  listSeparator: ", ",
  // Lineage graph (components/lineage-graph.tsx)
  lineageGraphName: "Lineage graph",
  lineageGraphLabel: (parents: number, children: number, others: number) =>
    `Lineage graph: ${parents} parent${parents === 1 ? "" : "s"}, ${children} child${children === 1 ? "" : "ren"}` +
    (others > 0 ? `, ${others} more distant relative${others === 1 ? "" : "s"}` : "") +
    ". Each asset in it links to its page, as do the lists below.",
  /** A node's accessible name: its ref, then how it is related (depth: -1 a parent, 1 a child). */
  lineageGraphNode: (ref: string, depth: number) =>
    depth === -1
      ? `${ref} — parent`
      : depth === 1
        ? `${ref} — child`
        : depth < -1
          ? `${ref} — ancestor, ${-depth} generations up`
          : depth > 1
            ? `${ref} — descendant, ${depth} generations down`
            : ref,
  lineageGraphCurrent: (ref: string) => `${ref} — this asset`,
  lineageGraphHint: "Parents are above, children below; select an asset in the graph to open it. The lists below have the same links.",
  lineageGraphFailed: "The lineage graph could not be loaded; the lists below show the same lineage.",
  ...verifyEn,
  ...memberEn,
};

export type Messages = typeof en;

const zh: Messages = {
  skipToContent: "跳到正文",
  mainNav: "主导航",
  navSearch: "搜索",
  navCheck: "交易前检查",
  navVerify: "核验证书",
  language: "语言",
  languageName: { zh: "中文", en: "English" },
  footer: "数据来自登记簿索引，经溯源 API 读取；每个答复都注明其对应的区块。",
  pageNotFoundTitle: "页面不存在",
  pageNotFound: (path) => `门户中没有页面“${path}”。`,

  searchTitle: "搜索数据资产",
  searchLabel: "搜索",
  searchHelp: "登记号（DR-…）、内容哈希前缀（0x…）、持有人地址、会员名称或资产名称",
  searchButton: "搜索",
  searchPrompt: "输入登记号、哈希前缀、地址或名称，搜索登记簿。",
  searching: "正在搜索…",
  resultsHeading: "搜索结果",
  resultsCount: (n, more) => `已显示 ${n} 项资产${more ? "，还有更多" : ""}。`,
  noResults: (q) => `登记簿中没有与“${q}”匹配的资产。请尝试更短的前缀或名称中的其他词。`,
  moreResults: "更多结果",
  loadingMore: "正在加载更多…",
  partialNote: "本次搜索在单次请求的检查上限处停止，尚未填满本页：可能还有更多结果。",

  checkTitle: "交易前检查",
  checkIntro: "在交易发生前，检查登记簿的规则是否允许当前持有人将此资产出售（或许可其某项权利）给买方。",
  checkAsset: "资产",
  checkAssetHelp: "资产编号或登记号（DR-…）",
  checkBuyer: "买方地址",
  checkBuyerHelp: "买方以 0x 开头的 20 字节地址",
  checkRights: "权利",
  checkButton: "检查交易",
  checkPrompt: "输入资产和买方地址，然后检查交易。",
  checking: "正在检查…",
  checkThisAsset: "检查此资产的交易",
  verdictHeading: "结论",
  verdictTradable: "可以交易",
  verdictBlocked: "不可交易",
  reasonsHeading: "原因",
  reasonsCount: (n) => `${n} 项检查未通过，按合约的检查顺序列出。`,
  noReasons: "所有检查均已通过。",
  firstReason: "链上交易前检查返回的原因",
  reasonParty: "相关方",
  partySeller: "卖方",
  partyBuyer: "买方",
  computedAtBlock: (block) => `按区块 ${block} 计算`,
  seller: "卖方（当前持有人）",
  noSeller: "无（资产没有持有人）",
  buyer: "买方",
  frozenBy: "依法院裁定查封",
  frozenCase: "案件",
  pledgedTo: "已质押给",
  reasonName: {
    OK: "无异议",
    NotRegistered: "未登记",
    Disputed: "有争议（已受理的异议未结）",
    Frozen: "已被司法查封",
    Pledged: "已质押",
    Expired: "登记已过期",
    Cancelled: "登记已注销",
    CoreData: "核心数据：不得交易",
    NotMember: "非有效会员",
    CrossBorderNotCleared: "跨境提供未获许可",
    NotHolder: "卖方不是持有人",
    RightsNotClaimed: "登记未主张该权利",
  },

  errorTitle: "出错了",
  badRequest: "登记簿拒绝了此请求：",
  badField: (field) => `有问题的参数：${field}`,
  unavailable: "登记簿 API 暂时不可用（无应答或服务器错误），请稍后重试。",
  unexpectedAnswer: "登记簿 API 返回了本门户无法识别的内容。",
  requestFailed: (status) => `登记簿 API 返回 HTTP ${status}：`,
  assetNotFound: (ref) => `登记簿中没有资产 ${ref}；请核对编号。`,
  crashed: "本页面发生了意外错误。",
  backToSearch: "返回搜索",
  retry: "重试",

  loading: "加载中…",
  assetHeading: "数据资产",
  assetId: "资产编号",
  registrationNumber: "登记号",
  noRegistrationNumber: "尚未分配",
  asOfBlock: (block) => `截至区块 ${block}`,
  statusHeading: "状态",
  status: "状态",

  statusName: {
    none: "未知",
    applied: "申请待审",
    publicity: "公示中",
    registered: "已登记",
    refused: "已驳回",
    cancelled: "已注销",
  },
  badgeExpired: "已过期",
  badgeDisputed: "有争议",
  badgeObjection: "异议待审",
  badgeFrozen: "已查封",
  badgePledged: "已质押",
  badgeListed: "挂牌中",
  publicityUntil: "公示截止",

  overviewHeading: "持有人与权利",
  holder: "持有人",
  holderName: "会员名称",
  noHolder: "无持有人（申请被驳回或资产已注销）",
  notMember: "非会员",
  applicant: "申请人",
  rights: "权利",
  grade: "安全等级",
  category: "数据类别",
  kind: "类型",
  productForm: "产品形态",
  sourceType: "来源",
  personalInfo: "个人信息",
  registrantType: "登记主体类型",
  validUntil: "有效期至",
  applied: "申请时间",
  confirmed: "登记时间",
  refused: "驳回",
  cancelled: "注销",
  lastHolder: "最后持有人",
  reasonHash: "理由哈希",
  by: "操作人",
  updated: "最近变更",
  rightName: { holding: "数据资源持有权", processing: "数据加工使用权", operation: "数据产品经营权" },
  gradeName: { general: "一般数据", important: "重要数据", core: "核心数据" },
  categoryName: { public: "公共数据", enterprise: "企业数据", personal: "个人数据" },
  kindName: { resource: "数据资源", product: "数据产品" },
  productFormName: { none: "—", dataset: "数据集", report: "数据报告", api: "数据接口", model: "模型", index: "指数" },
  sourceTypeName: {
    selfCollected: "自行采集",
    licensed: "授权取得",
    purchased: "购买取得",
    publicAuthorisation: "公共数据授权运营",
    derived: "衍生加工",
  },
  personalInfoName: { none: "不含", deIdentified: "已去标识化", anonymised: "已匿名化" },
  memberTypeName: { enterprise: "企业", publicBody: "公共机构", dataProductCompany: "数据商", other: "其他" },

  holdsHeading: "司法查封",
  caseHash: "案件哈希",
  court: "法院",
  placed: "查封时间",
  objectionsHeading: "未结异议",
  objection: (id) => `异议 ${id}`,
  claimant: "异议人",
  evidenceHash: "证据哈希",
  filed: "提出时间",
  admitted: "受理",
  notAdmitted: "尚未受理",

  firstsHeading: "首次记录（里程碑）",
  noFirsts: "暂无首次记录。",
  annulledFirsts: "已撤销的首次记录",
  milestoneName: {
    registration: "首次登记",
    listing: "首次挂牌",
    trade: "首次交易",
    financialStatements: "首次入表",
    opening: "首次开放",
    financing: "首次融资",
  },
  valuationHeading: "最新估值",
  noValuation: "暂无估值记录。",
  valuationId: "估值编号",
  value: "价值",
  method: "方法",
  methodName: { cost: "成本法", market: "市场法", income: "收益法" },
  valuationDate: "估值基准日",
  evaluator: "评估机构",
  pledgesHeading: "质押",
  noPledges: "无质押。",
  pledge: (id) => `质押 ${id}`,
  pledgor: "出质人",
  pledgee: "质权人",
  securedAmount: "担保金额",
  dueDate: "到期日",
  registryRefHash: "登记参考哈希",
  proposed: "提出",
  activated: "生效",
  carried: "随资产转移至新持有人",
  carriedStep: (from, to) => `${from} → ${to}`,
  ended: "结束",
  byCourt: "依法院裁定",
  pledgeStateName: {
    none: "未知",
    proposed: "待生效",
    active: "有效",
    released: "已解除",
    enforced: "已实现",
    withdrawn: "已撤回",
    discharged: "已消灭",
  },
  listingHeading: "挂牌",
  exchange: "交易所",
  listingRefHash: "挂牌参考哈希",
  orderHash: "订单哈希",
  listed: "挂牌时间",
  listingLive: "有效",
  listingLapsed: "已失效（持有人已变更）",
  complianceHeading: "合规",
  clearancesHeading: "跨境许可",
  recipient: "接收方",
  mechanism: "路径",
  routeHash: "路线哈希",
  regulator: "监管机构",
  mechanismName: {
    securityAssessment: "安全评估",
    standardContract: "标准合同",
    certification: "保护认证",
    exempt: "豁免",
  },
  sandboxApproval: "沙盒批准",
  approvalHash: "批准哈希",
  deidentificationReview: "去标识化审查",
  reviewPassed: "通过",
  reviewFailed: "未通过",
  reportHash: "报告哈希",

  licencesHeading: "许可",
  licencesCount: (active, ended) => `有效或待生效 ${active} 项，已结束 ${ended} 项。`,
  noLicences: "尚未授予许可。",
  moreLicences: "更多许可",
  licence: (id) => `许可 ${id}`,
  sublicenceOf: (id) => `许可 ${id} 的再许可`,
  sublicences: "再许可",
  licensor: "许可方",
  licensee: "被许可方",
  territory: "地域",
  territoryName: { domestic: "境内", crossBorder: "跨境" },
  start: "起始",
  end: "截止",
  fee: "费用",
  terms: "条款",
  sublicensable: "可再许可",
  notSublicensable: "不可再许可",
  revocable: "可撤销",
  viaOffer: "经签名要约授予",
  granted: "授予",
  revoked: "已撤销",
  withConsent: "经被许可方同意",
  endCauseName: { lapsed: "期满", assetCancelled: "资产注销" },
  licenceStateName: {
    none: "未知",
    active: "有效",
    notStarted: "未开始",
    expired: "已到期",
    revoked: "已撤销",
    ended: "已结束",
    assetNotRegistered: "资产未登记",
    suspended: "已中止",
    parentEnded: "上级许可失效",
  },

  lineageHeading: "血缘关系",
  parents: "来源资产（父）",
  children: "衍生资产（子）",
  ancestors: "更早的祖先",
  descendants: "更远的后代",
  noParents: "无来源资产：本资产并非由其他资产衍生。",
  noChildren: "尚无由本资产衍生的登记资产。",
  generation: (n) => `相隔 ${n} 代`,
  viaLicence: (id) => `依据许可 ${id}`,
  lineageTruncated: "血缘关系超出 API 单次遍历的范围：还有更多祖先或后代。",

  timelineHeading: "溯源时间线",
  eventsCount: (n, more) => `${more ? "已加载" : "共"} ${n} 个事件。`,
  noEvents: "暂无事件记录。",
  loadMore: "加载更多事件",
  block: "区块",
  time: "时间",
  tx: "交易",
  event: "事件",
  actor: "操作方",
  fields: "字段",

  certificateHeading: "权属证书",
  certificateNote: "未签名的预览，按链上最新区块生成。",
  certificateNotRegistered: "只有已登记的资产才有证书：服务器将拒绝本资产的请求。",
  downloadPdf: "下载证书（PDF）",
  downloadJson: "下载证书（JSON）",

  technicalHeading: "哈希与元数据",
  contentHash: "内容哈希",
  sourceEvidenceHash: "来源证据哈希",
  metadataHash: "元数据哈希",
  metadataUri: "元数据 URI",
  metadataVersion: "元数据版本",
  commitment: "承诺值",

  yes: "是",
  no: "否",
  none: "无",
  localTime: "本地",
  listSeparator: "、",
  lineageGraphName: "血缘关系图",
  lineageGraphLabel: (parents, children, others) =>
    `血缘关系图：${parents} 个来源资产，${children} 个衍生资产` + (others > 0 ? `，另有 ${others} 个更远的亲缘资产` : "") + "。图中每个资产都链接到其页面，下方列表亦然。",
  lineageGraphNode: (ref, depth) =>
    depth === -1
      ? `${ref} — 来源资产（父）`
      : depth === 1
        ? `${ref} — 衍生资产（子）`
        : depth < -1
          ? `${ref} — 祖先，上溯 ${-depth} 代`
          : depth > 1
            ? `${ref} — 后代，下延 ${depth} 代`
            : ref,
  lineageGraphCurrent: (ref) => `${ref} — 当前资产`,
  lineageGraphHint: "来源资产在上，衍生资产在下；点击图中的资产即可打开其页面。下方列表提供相同的链接。",
  lineageGraphFailed: "血缘关系图未能加载；下方列表列出了相同的血缘关系。",
  ...verifyZh,
  ...memberZh,
};

export const MESSAGES: Record<Lang, Messages> = { zh, en };

const STORAGE_KEY = "drl.portal.lang";

function isLang(v: unknown): v is Lang {
  return v === "zh" || v === "en";
}

/** The saved choice, else Chinese (the pilot zone's working language). */
export function initialLang(): Lang {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // Storage can be disabled (private mode, policy): the default still works.
  }
  return "zh";
}

export function saveLang(lang: Lang): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not persisting is acceptable; the switch still applies to this visit.
  }
}

export interface I18n {
  lang: Lang;
  t: Messages;
  setLang: (lang: Lang) => void;
}

export const I18nContext = createContext<I18n>({ lang: "zh", t: zh, setLang: () => {} });

export function useI18n(): I18n {
  return useContext(I18nContext);
}

export { isLang };
