/**
 * The local chain's development accounts by name. `drl start` runs Anvil with its default
 * test mnemonic, so every account's key is derivable and public: these names are for the
 * local chain only (`--as` refuses any other chain).
 */
import { HDNodeWallet, Mnemonic } from "ethers";

/** Anvil's (and Hardhat's) public test mnemonic. Never use it on a real chain. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** Account index of each name (the indexes deployments/config/localhost.json gives the roles). */
export const DEV_ACCOUNT_INDEX = {
  deployer: 0,
  registrar: 1,
  exchange: 2,
  evaluator: 3,
  auditor: 4,
  regulator: 5,
  court: 6,
  holder1: 7,
  holder2: 8,
  holder3: 9,
  holder4: 10,
  holder5: 11,
  holder6: 12,
  holder7: 13,
  holder8: 14,
  bureau: 15,
} as const;
export type DevAccountName = keyof typeof DEV_ACCOUNT_INDEX;
export const DEV_ACCOUNT_NAMES = Object.keys(DEV_ACCOUNT_INDEX) as DevAccountName[];

/** What each name is for, for the accounts table. */
export const DEV_ACCOUNT_ROLE: Record<DevAccountName, string> = {
  deployer: "admin and guardian (deploys the ledger)",
  registrar: "registration authority (REGISTRAR)",
  exchange: "data exchange (EXCHANGE)",
  evaluator: "asset evaluator (EVALUATOR)",
  auditor: "auditor (AUDITOR)",
  regulator: "data regulator (REGULATOR)",
  court: "court (COURT)",
  holder1: "member",
  holder2: "member",
  holder3: "member",
  holder4: "member",
  holder5: "member",
  holder6: "member",
  holder7: "member",
  holder8: "member (foreign)",
  bureau: "pilot-zone bureau (BUREAU): records incentives paid for firsts",
};

export const isDevAccountName = (name: string): name is DevAccountName => Object.hasOwn(DEV_ACCOUNT_INDEX, name);

const wallets = new Map<DevAccountName, HDNodeWallet>();

/** The wallet (with its key) of a development account; not connected to a provider. */
export function devWallet(name: DevAccountName): HDNodeWallet {
  let w = wallets.get(name);
  if (!w) {
    w = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEV_MNEMONIC), `m/44'/60'/0'/0/${DEV_ACCOUNT_INDEX[name]}`);
    wallets.set(name, w);
  }
  return w;
}

/** Every development account's address by name, in table order. */
export function devAccounts(): Record<DevAccountName, string> {
  return Object.fromEntries(DEV_ACCOUNT_NAMES.map((n) => [n, devWallet(n).address])) as Record<DevAccountName, string>;
}

/** The members `drl start` admits, in Chinese and English; holder8 is the foreign one. */
export const DEV_MEMBERS: Record<`holder${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8}`, { name: string; orgId: string; type: "enterprise" | "publicBody" | "dataProductCompany" | "other"; jurisdiction: "domestic" | "foreign" }> = {
  holder1: { name: "深圳港口数据有限公司 Shenzhen Port Data Co., Ltd.", orgId: "91440300MA5DEV0001", type: "enterprise", jurisdiction: "domestic" },
  holder2: { name: "南山智慧交通科技有限公司 Nanshan Smart Transport Technology Co., Ltd.", orgId: "91440300MA5DEV0002", type: "enterprise", jurisdiction: "domestic" },
  holder3: { name: "前海气象数据服务有限公司 Qianhai Weather Data Services Co., Ltd.", orgId: "91440300MA5DEV0003", type: "dataProductCompany", jurisdiction: "domestic" },
  holder4: { name: "深圳市公共数据管理中心 Shenzhen Public Data Administration Centre", orgId: "12440300MB2DEV0004", type: "publicBody", jurisdiction: "domestic" },
  holder5: { name: "福田医疗数据科技有限公司 Futian Health Data Technology Co., Ltd.", orgId: "91440300MA5DEV0005", type: "enterprise", jurisdiction: "domestic" },
  holder6: { name: "宝安制造业数据有限公司 Bao'an Manufacturing Data Co., Ltd.", orgId: "91440300MA5DEV0006", type: "enterprise", jurisdiction: "domestic" },
  holder7: { name: "罗湖金融数据研究院 Luohu Financial Data Institute", orgId: "52440300MJ0DEV0007", type: "other", jurisdiction: "domestic" },
  holder8: { name: "Harbourline Analytics GmbH 海港线分析有限公司", orgId: "DE-HRB-DEV-0008", type: "enterprise", jurisdiction: "foreign" },
};
