"""A civic-domain thesaurus (主题词表) for the similar-suggestion hint: subjects, and the words delegates use for them.

Suggestions on one subject are written in different words: 停车难, 泊位供给 and 立体车库 share no
two-character piece, nor do 加装电梯 and 爬楼. A controlled vocabulary maps such synonyms and near-terms
to one *concept*, which the hint scores as one more feature of a text (``similar_terms.concepts``),
weighted by how rare the concept is, like any other feature (query expansion by a thesaurus, the
classical answer where lexical overlap fails).

What is here: the subjects district people's congress delegates write about year after year — the
categories of 人大代表建议 handling reports and of the 民生实事 lists of district governments
(transport and roads, schools and childcare, health and elderly care, housing and old residential areas,
the water, waste and air of the environment, markets and food, jobs and social security, tourism,
culture and heritage, farming and the countryside, public safety, parks and sports, people with
disabilities, minors, the business environment and government services, …). Written from that domain,
not from any test's wording, so that it also serves subjects no labelled set covers.

How to extend it: add a word to the concept it means (a word may stand in more than one), or a new
concept. Rules that keep it useful:

* a term names the *subject*, not a setting: 农村, 社区, 村寨, 孩子 occur in suggestions on every subject
  and are not listed (农村公路 and 乡村旅游 are);
* no administrative boilerplate (``similar_terms.STOP_WORDS``: 加强, 完善, 建设 …) and no single characters;
* a longer term wins where terms overlap (forward maximum matching: 养老保险 is pensions, not elderly care;
  公共交通 is buses, not traffic), so a compound that means something else than its parts is worth listing.
"""

CONCEPTS = {
    # --- transport ---
    "roads": "道路 公路 马路 路面 修路 坑洼 坑槽 破损路段 拓宽 断头路 主干道 次干道 支路 人行道 市政道路 路网 桥梁 危桥 "
    "隧道 道路硬化 道路改造 道路维修 塌陷 路基 绕城 道路破损 路面破损 养护 维修养护",
    "traffic": "交通拥堵 交通堵塞 拥堵 堵车 堵点 红绿灯 信号灯 人行横道 斑马线 过街 天桥 地下通道 减速带 限速 测速 交通事故 交警 车流 "
    "通行能力 路口 交叉口 高峰 交通秩序 交通安全 交通标志 标志标线 标线 违章 闯红灯 单行道 掉头 渠化 货车 大货车 "
    "超载 超限 交通 交通组织 交通疏导 疏导交通 车速 电子警察 交通隐患",
    "parking": "停车 车位 泊位 车库 停放 停车场 违停 乱停 停靠 占道停车 错时共享 共享停车 停车收费 咪表 停车难 立体车库 "
    "地下车库 机械车库 停车楼",
    "buses": "公交 坐公交 坐车 等车 公共交通 公交车 公交线路 公交站 班车 客运 站台 候车亭 候车 末班车 首班车 班次 发车 专线 乘客 到站 站牌 "
    "公交专用道 乘车 票价 客车 定制公交 微循环 线路走向 支线 公交站点 公交班次 发车间隔 候车时间 公交卡 乘车难 "
    "通公交 客运班车 乡村客运",
    "rail_taxi": "地铁 轨道交通 轻轨 城际 高铁站 火车站 出租车 网约车 的士 打车 巡游车",
    "rural_roads": "通村 通组 村道 组组通 农村公路 乡村道路 机耕道 产业路 通户路 入户路 串户路 泥巴路 村组道路 乡道 县道 农村客运 "
    "乡村公路 四好农村路 农村道路 生产便道 村村通",
    "ebikes": "电动自行车 电动车 电瓶车 非机动车 头盔 两轮车 三轮车 摩托车 飞线充电 充电棚 电动车充电 上牌",
    "ev_charging": "充电桩 充电站 新能源汽车 电动汽车 换电 充电设施 充电车位 新能源车",
    # --- education and children ---
    "schools": "学校 中小学 小学 初中 高中 中学 义务教育 学位 学区 教师 老师 教学 课堂 校舍 学生 招生 就近入学 教育资源 "
    "教育均衡 课后服务 双减 大班额 择校 寄宿 校园 教育质量 师资 班主任 作业负担 学校食堂 营养餐 课后 延时服务 "
    "教师编制 乡村教师 特岗 寄宿制 新建学校 中考 高考 升学",
    "kindergartens": "幼儿园 学前教育 入园 普惠园 普惠性 民办园 公办园 托育 托班 托儿所 幼儿 保教 婴幼儿 三岁以下 早教 配套园 幼师 "
    "幼儿教师 学前 育儿 生育 育儿补贴 婴儿 托位 幼儿教育 入托 托幼 保育",
    "school_traffic": "校门口 校门 上学 放学 上下学 接送 护学岗 护学 校车 学校周边 校园周边 通学 学生出行 家长接送 接送车辆 学生安全",
    "vocational": "职业教育 职业学校 中职 高职 技工学校 产教融合 实训 职校 技能人才",
    "minors": "未成年人 青少年 儿童 留守儿童 困境儿童 网吧 沉迷网络 校园欺凌 心理健康 心理咨询 托管 课后托管 暑期托管 防溺水 "
    "近视 未成年 学生心理 心理问题 辍学 控辍保学 溺水 未成年人保护 儿童友好 儿童游乐 游乐设施",
    # --- health and care ---
    "health": "医疗 看病 就医 卫生院 卫生室 村医 乡村医生 家庭医生 诊所 社区卫生 医生 医护 药品 药店 疫苗 公共卫生 慢性病 "
    "体检 基层医疗 看病难 看病贵 医疗资源 签约服务 卫生服务中心 乡镇卫生院 医疗卫生 医务人员 全科医生 健康档案 "
    "传染病 精神卫生 中医",
    "hospitals": "医院 住院 门诊 挂号 急诊 救护车 三甲 医联体 专科 分级诊疗 人民医院 中医院 病房 就医车辆 陪护",
    "elderly_care": "养老 老年人 老人 长者 高龄 空巢 独居老人 留守老人 失能 半失能 护理员 照护 敬老院 养老院 福利院 日间照料 助餐 "
    "老年食堂 长者食堂 适老化 居家养老 医养结合 互助养老 老龄 养老机构 养老服务 喘息服务 老年 跌倒 紧急呼叫 敬老 "
    "孝老 老年大学 老年活动中心 银发 养老床位 护理院 康养 老年协会",
    "disabled": "残疾 残疾人 残障 无障碍 盲道 轮椅 助残 残联 康复 特殊教育 特教 聋哑 视障 听障 智障 辅具 残疾证 残疾人就业 "
    "托养 精神障碍 孤独症 自闭症 无障碍通道 坡道",
    # --- housing and neighbourhoods ---
    "lifts": "电梯 加梯 加装电梯 升降 升降设备 爬楼 上下楼 楼梯 爬楼机 电梯维保 电梯故障 困人 下楼难",
    "old_areas": "老旧小区 老小区 旧改 棚户区 棚改 城中村 危房 老旧住宅 老楼 既有住宅 外墙 楼道 屋面 漏水 防水 老旧楼栋 "
    "多层住宅 背街小巷 小巷 街巷 老院子 家属区 单位宿舍 老房子 房屋老化 管线老化 飞线 线缆",
    "property": "物业 物业费 业主 业委会 业主委员会 物管 维修资金 专项维修资金 小区管理 物业服务 物业公司 开发商 前期物业 "
    "公共收益 产权人 物业纠纷 业主大会 物业企业 保安 门禁 弃管 无物业",
    "housing": "住房 保障房 保障性住房 公租房 廉租房 经适房 人才房 房价 购房 商品房 烂尾 交房 不动产 房产证 办证 产权证 拆迁 "
    "征收 安置 安置房 回迁 租房 租赁 公积金 住房公积金 宅基地 农房 自建房 住房困难 房屋 安居 保租房 买房 延期交房 "
    "产权办理",
    "community": "网格员 网格化 基层治理 社区工作者 居委会 村委会 村规民约 议事 志愿者 志愿服务 邻里 社区服务中心 党群服务",
    # --- environment ---
    "water_pollution": "污水 排污 水污染 黑臭 黑臭水体 水体 河道 河流 水质 截污 直排 入河 河长 河长制 清淤 淤泥 粪污 水环境 水生态 "
    "沟渠 溪流 湖泊 水域 污水处理 污水处理厂 人工湿地 面源污染 养殖污染 河水 河沟 排污口 废水 工业废水 水污染防治 "
    "蓝藻 发臭",
    "drinking_water": "饮用水 自来水 水源 水源地 供水 水厂 水压 停水 人饮 安全饮水 饮水安全 水费 自来水管 二次供水 水库 水源保护 "
    "取水 吃水难 用水难 缺水 水管 供水管网 水表 水质检测 农村饮水 人畜饮水 蓄水池 山泉水",
    "drainage": "排水 内涝 积水 雨污 雨污分流 雨污合流 下水道 管网 排水管网 污水管网 窨井 井盖 暴雨 排涝 防汛 汛期 雨水 管道 "
    "堵塞 疏通 海绵城市 漫溢 排水沟 边沟 涵洞 排洪 排洪沟 倒灌 淹水 被淹 水淹 化粪池 雨水管网 下水管",
    "waste": "垃圾 生活垃圾 垃圾分类 分类投放 分类收集 垃圾桶 垃圾箱 清运 转运 中转站 转运站 收集点 餐厨 厨余 泔水 渣土 "
    "建筑垃圾 装修垃圾 回收 可回收 可回收物 再生资源 废品 填埋 焚烧 垃圾处理 环卫 保洁 日产日清 废弃物 大件垃圾 "
    "有害垃圾 垃圾房 垃圾池 垃圾站 乱扔垃圾 垃圾围村 垃圾收运 清扫 厨余垃圾 其他垃圾 桶站",
    "public_toilets": "公厕 公共厕所 厕所 卫生间 旅游厕所 厕所革命 如厕 户厕 改厕 移动厕所 公共卫生间 旱厕 上厕所 如厕难",
    "air": "大气 空气质量 扬尘 油烟 秸秆焚烧 雾霾 尾气 废气 粉尘 PM2.5 空气污染 烟尘 露天烧烤 烟雾 燃煤 锅炉 "
    "工业废气 烧垃圾 焚烧秸秆",
    "noise": "噪音 噪声 分贝 夜间施工 施工扰民 鸣笛 低音炮 高音喇叭 广场舞 声音扰民 隔音 吵闹 噪音污染 噪声污染 夜间噪音 "
    "商业噪音 音响 喇叭",
    "environment": "生态环境 环境保护 环保 环境污染 污染 排放 生态 环保督察 生态修复 土壤污染 石漠化 水土流失 生态保护 保护区 "
    "自然保护区 生态红线 绿色发展 碳排放 减排 节能",
    "greening": "绿化 公园 绿地 口袋公园 游园 树木 行道树 植树 草坪 湿地公园 城市公园 休闲广场 绿道 花草 园林 古树 林地 森林 "
    "植被 绿化带 街心公园 滨河 公园绿地 生态公园 绿化率 花园 绿植 城市绿地 山体公园 补绿 增绿",
    # --- city services ---
    "street_lights": "路灯 照明 亮化 夜间照明 灯光 太阳能路灯 黑灯 路灯不亮 灯具 灯杆 亮灯 无灯 照明设施 背街小巷照明",
    "utilities": "燃气管网 供电 停电 电网 电压 变压器 电力 燃气 天然气 煤气 液化气 管道燃气 网络信号 信号覆盖 宽带 基站 光纤 5G 通信 "
    "断电 用电 用气 燃气管道 手机信号 网速 光纤入户 有线电视",
    "city_appearance": "市容 市容市貌 占道经营 流动摊贩 乱搭乱建 违章建筑 违建 店招 广告牌 城管 户外广告 小广告 乱贴乱画 不文明 "
    "文明城市 养犬 犬只 流浪狗 流浪猫 乱摆乱放 乱堆乱放 占道 外立面 门前三包 城市管理 野广告",
    "fire_safety": "消防 火灾 消防通道 生命通道 消防栓 灭火器 消防站 微型消防站 防火 森林防火 山火 电气火灾 火灾隐患 烟感 消防车 "
    "消防设施 消防安全 疏散通道 安全出口 易燃 可燃物 火情 防火通道 烟花爆竹",
    "public_security": "治安 盗窃 诈骗 电信诈骗 反诈 监控 天网 视频监控 派出所 警务 巡逻 警力 黄赌毒 扫黑 矛盾纠纷 纠纷 调解 平安 "
    "报警 偷盗 入室 警察 民警 公安 犯罪 安全感 摄像头 探头 传销 非法集资 养老诈骗 防诈骗",
    "disasters": "地质灾害 滑坡 山洪 泥石流 应急 避难场所 应急避难 抢险 防灾 减灾 地震 洪涝 隐患点 自然灾害 预警 防洪 干旱 "
    "凝冻 雪凝 冰雹 应急管理 救灾 避险",
    "safety_production": "安全生产 危化品 危险化学品 矿山 建筑施工 施工安全 特种设备 隐患排查",
    # --- economy, markets and work ---
    "markets": "农贸市场 菜市场 集贸市场 集市 赶场 赶集 摊位 摊贩 摆摊 菜店 生鲜 蔬菜 卖菜 买菜 菜价 农超对接 马路市场 菜农 "
    "市场改造 夜市 便民市场 早市 菜场 批发市场 商贩 摊点 卖菜难 买菜难 市场秩序 菜摊",
    "food_safety": "食品安全 食品 农药残留 农残 快检 快速检测 病死猪 地沟油 过期食品 添加剂 三无 食品检测 小作坊 食品卫生 餐饮安全 "
    "明厨亮灶 食源性 保健品 食品加工 校园食品 外卖 无证餐饮 变质 食物中毒 冷链食品 检验检疫",
    "consumers": "明码标价 消费者 消费维权 维权 欺诈 宰客 欺客 强买强卖 市场监管 假冒伪劣 计量 缺斤短两 售后 预付卡 "
    "消费投诉 退款 虚假宣传 价格欺诈 缺斤少两",
    "prices_fees": "价格 物价 菜价 房价 乱收费 收费标准 涨价 价格波动 平价 收费 定价 降价 票价 水价 电价",
    "employment": "就业 失业 招聘 岗位 务工 外出务工 农民工 返乡 创业 技能培训 职业培训 劳务 欠薪 拖欠工资 工资 灵活就业 零工 "
    "大学生就业 公益性岗位 用工 劳动合同 社保缴纳 就业岗位 就业困难 再就业 下岗 求职 用工荒 招工 劳动力 培训补贴 "
    "务工人员 零工市场 转移就业 高校毕业生",
    "business": "营商环境 企业 民营企业 中小企业 小微企业 融资 贷款 招商 招商引资 个体工商户 个体户 市场主体 惠企 减税降费 涉企 "
    "产业园 园区 商圈 社会资本 投资 营商 政策兑现 企业融资 融资难 担保 民营经济 经营主体 商户 小店经济 拖欠企业 "
    "账款",
    "gov_services": "审批 行政审批 办事 政务服务 一网通办 一站式 跑腿 办理时限 审批流程 窗口 便民服务 证照 联合审批 手续 备案 "
    "材料繁琐 办事难 12345 热线 政务热线 办事大厅 政务中心 跑一次 网上办 掌上办 证明材料 数据共享",
    "tourism": "旅游 游客 景区 景点 民宿 农家乐 乡村旅游 文旅 旅游线路 导游 门票 客流 度假 观光 游览 旅游业 旅游收入 "
    "夜间经济 深度游 旅游品牌 休闲 旅游景区 研学 露营 游玩 旅游市场 全域旅游 游客中心",
    "culture": "文化 文艺 演艺 图书馆 文化馆 书屋 农家书屋 博物馆 非遗 非物质文化遗产 民族文化 刺绣 蜡染 节庆 文创 演出 电影 "
    "文化活动 文化站 少数民族 苗族 布依族 传统文化 阅读 文化广场 文体活动 文化设施 书店 公共文化 戏曲 民族节日 "
    "传承人",
    "heritage": "古镇 古建筑 历史建筑 文物 文保 古村落 传统村落 老街 历史文化 遗址 保护修缮 历史文化名镇 古迹 风貌 传统民居 "
    "文物保护 传统建筑 历史街区 古桥 石板路 屯堡 古民居",
    "sports": "体育 健身 运动 球场 篮球场 足球场 体育场 体育馆 全民健身 健身器材 健身路径 游泳 体育设施 户外运动 赛事 运动场 "
    "健身步道 体育公园 健身场地 运动场地 体育场地 操场 羽毛球 乒乓球 健身广场 运动会 体育锻炼 体育场馆",
    # --- countryside ---
    "agriculture": "农业 种植 养殖 农产品 农田 耕地 高标准农田 灌溉 水利 农机 化肥 农药 种子 茶叶 茶园 果园 合作社 畜牧 生猪 "
    "家禽 粮食 撂荒 烤烟 种养 养殖场 养殖户 农技 病虫害 冷链 农资 蔬菜基地 种粮 种地 农户 农作物 水果 特色农业 "
    "农产品销售 滞销 农村电商 冷库 山塘 提灌站 水渠",
    "rural_revitalisation": "乡村振兴 村集体 集体经济 美丽乡村 和美乡村 人居环境 村容村貌 驻村 帮扶 脱贫 防返贫 易地扶贫 搬迁群众 乡村治理 "
    "农村改革 土地流转 产业振兴 村庄规划 乡风文明 空心村",
    # --- civil affairs, law and others ---
    "funeral": "殡葬 公墓 公益性公墓 墓地 乱埋乱葬 殡仪馆 火化 骨灰 祭扫 丧事",
    "veterans": "退役军人 军属 优抚 双拥 烈士 褒扬 军人",
    "women_family": "妇女 妇幼 家暴 家庭暴力 婚姻家庭 女职工 两癌筛查 孕产妇",
    "land": "征地 征地补偿 土地征收 用地指标 建设用地 违法用地 土地纠纷 确权 土地出让 闲置土地",
    "digital": "数字化 信息化 智慧城市 大数据 数字经济 智慧社区 互联网 信息平台 智能化",
    "talent": "人才引进 人才公寓 高层次人才 留住人才 引才",
    "finance": "金融 银行 网点 普惠金融 信贷 小额贷款 保险公司",
    "legal": "法律援助 普法 信访 法治 公证 仲裁 法律服务 律师",
    "household_registration": "户籍 落户 户口 居住证 流动人口 新市民",
    # --- social security ---
    "social_security": "养老保险 养老金 医保 医疗保险 社保 社会保险 参保 低保 最低生活保障 救助 社会救助 特困 临时救助 退休 退休金 "
    "失业保险 长期护理保险 护理保险 大病保险 报销 异地就医 城乡居民医保 新农合 医保报销 报销比例 社保卡 医保卡 "
    "门诊统筹 困难群众 低收入 兜底 高龄津贴",
}

# Broader subjects (属分关系): a text naming a concept also names its broader one, so that 饮用水 and 污水,
# or 学校 and 幼儿园, are nearer than 饮用水 and 游客.
BROADER = {
    "transport": "roads traffic parking buses rail_taxi rural_roads ebikes ev_charging school_traffic",
    "education": "schools kindergartens school_traffic vocational minors",
    "health_care": "health hospitals elderly_care disabled social_security veterans women_family funeral",
    "housing_areas": "lifts old_areas property housing community household_registration",
    "water": "water_pollution drinking_water drainage",
    "environment_all": "water_pollution drinking_water drainage waste public_toilets air noise environment greening",
    "city": "street_lights utilities city_appearance public_toilets greening",
    "safety": "fire_safety public_security disasters safety_production food_safety legal",
    "economy": "markets food_safety consumers prices_fees employment business gov_services talent finance digital",
    "culture_tourism": "tourism culture heritage sports",
    "countryside": "agriculture rural_revitalisation rural_roads land",
}
