// Package synthetic makes realistic-looking institutions, offers, demands
// and agreements for benchmarks, demonstrations and load tests. Output is
// deterministic: the same seed (and the same now) gives byte-identical data,
// ids included, so that a benchmark database can be rebuilt exactly and
// seeding the same data twice collides on the ids instead of duplicating it.
//
// Institutions sit in China (about 40%) and the ASEAN states; listings cover
// every sector and subsector, written in the six first-class languages from
// small per-subsector term lists. Agreements mostly join a Chinese and one or
// more ASEAN institutions, signed from 2018 on, more of them each year.
// Websites and e-mail addresses use the reserved .example top-level domain,
// so nothing ever reaches a real party.
package synthetic

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Streams keep the three generators independent: generating demands does not
// shift the offers, and ids of different kinds never meet.
const (
	streamInstitutions = 1
	streamOffers       = 2
	streamDemands      = 3
	streamAgreements   = 4
)

// idBase is the fixed time the ids count from: ids must not depend on the
// clock, or a second seeding would not collide with the first.
var idBase = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// id returns a UUID shaped like a version 7 one: its time field is idBase
// plus i milliseconds, so that id order is generation order (and created_at
// order, which is how the store sorts by creation); the stream sits in the
// first four bits of rand_a and the rest comes from the seed and i.
func id(seed int64, stream uint64, i int) string {
	var u uuid.UUID
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(idBase+int64(i)))
	copy(u[0:6], ms[2:8])
	x := splitmix(splitmix(uint64(seed)^stream<<56) ^ uint64(i))
	y := splitmix(x)
	u[6] = 0x70 | byte(stream&0x0f)
	u[7] = byte(x)
	binary.BigEndian.PutUint64(u[8:], y)
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return u.String()
}

// splitmix is the SplitMix64 finaliser: a cheap, well-mixed 64-bit hash.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

// Languages, in the order of every [6]string below.
const (
	langZH = iota
	langEN
	langID
	langVI
	langTH
	langMS
)

var languages = [6]string{"zh", "en", "id", "vi", "th", "ms"}

func langIndex(code string) int {
	for i, l := range languages {
		if l == code {
			return i
		}
	}
	return langEN
}

type city struct{ en, local string }

type country struct {
	code     string
	weight   int    // share of institutions, out of 100
	language string // what its institutions mostly write in
	currency string
	perUSD   float64 // rough exchange rate, for plausible amounts
	nameEN   string
	nameZH   string
	nameOwn  string // the country's name in its own language, for joint labs
	company  string // the English form of a company name, %s = brand and field
	cities   []city
}

var countries = []country{
	{code: "CN", weight: 40, language: "zh", currency: "CNY", perUSD: 7.2, nameEN: "China", nameZH: "中国",
		company: "%s Technology Co., Ltd.", cities: []city{{"Nanning", "南宁"}, {"Guangzhou", "广州"},
			{"Shenzhen", "深圳"}, {"Kunming", "昆明"}, {"Chengdu", "成都"}, {"Hangzhou", "杭州"}, {"Wuhan", "武汉"},
			{"Beijing", "北京"}, {"Shanghai", "上海"}, {"Liuzhou", "柳州"}, {"Guilin", "桂林"}, {"Xiamen", "厦门"},
			{"Hefei", "合肥"}, {"Changsha", "长沙"}, {"Suzhou", "苏州"}}},
	{code: "TH", weight: 10, language: "th", currency: "THB", perUSD: 36, nameEN: "Thailand", nameZH: "泰国", nameOwn: "ไทย",
		company: "%s Co., Ltd.", cities: []city{{"Bangkok", "กรุงเทพ"}, {"Chiang Mai", "เชียงใหม่"},
			{"Khon Kaen", "ขอนแก่น"}, {"Songkhla", "สงขลา"}, {"Chon Buri", "ชลบุรี"}, {"Nakhon Ratchasima", "นครราชสีมา"}}},
	{code: "VN", weight: 10, language: "vi", currency: "VND", perUSD: 25000, nameEN: "Vietnam", nameZH: "越南", nameOwn: "Việt Nam",
		company: "%s Company Limited", cities: []city{{"Hanoi", "Hà Nội"}, {"Ho Chi Minh City", "Thành phố Hồ Chí Minh"},
			{"Da Nang", "Đà Nẵng"}, {"Hai Phong", "Hải Phòng"}, {"Can Tho", "Cần Thơ"}, {"Hue", "Huế"}}},
	{code: "ID", weight: 10, language: "id", currency: "IDR", perUSD: 16000, nameEN: "Indonesia", nameZH: "印度尼西亚", nameOwn: "Indonesia",
		company: "PT %s", cities: []city{{"Jakarta", "Jakarta"}, {"Bandung", "Bandung"}, {"Surabaya", "Surabaya"},
			{"Yogyakarta", "Yogyakarta"}, {"Medan", "Medan"}, {"Makassar", "Makassar"}}},
	{code: "MY", weight: 8, language: "ms", currency: "MYR", perUSD: 4.7, nameEN: "Malaysia", nameZH: "马来西亚", nameOwn: "Malaysia",
		company: "%s Sdn. Bhd.", cities: []city{{"Kuala Lumpur", "Kuala Lumpur"}, {"Penang", "Pulau Pinang"},
			{"Johor Bahru", "Johor Bahru"}, {"Kuching", "Kuching"}, {"Kota Kinabalu", "Kota Kinabalu"}, {"Ipoh", "Ipoh"}}},
	{code: "SG", weight: 6, language: "en", currency: "SGD", perUSD: 1.35, nameEN: "Singapore", nameZH: "新加坡",
		company: "%s Pte. Ltd.", cities: []city{{"Singapore", ""}}},
	{code: "PH", weight: 6, language: "en", currency: "PHP", perUSD: 57, nameEN: "Philippines", nameZH: "菲律宾",
		company: "%s Inc.", cities: []city{{"Manila", ""}, {"Cebu", ""}, {"Davao", ""}, {"Quezon City", ""}, {"Laguna", ""}}},
	{code: "KH", weight: 3, language: "en", currency: "USD", perUSD: 1, nameEN: "Cambodia", nameZH: "柬埔寨",
		company: "%s Co., Ltd.", cities: []city{{"Phnom Penh", ""}, {"Siem Reap", ""}, {"Battambang", ""}}},
	{code: "LA", weight: 2, language: "en", currency: "USD", perUSD: 1, nameEN: "Laos", nameZH: "老挝",
		company: "%s Co., Ltd.", cities: []city{{"Vientiane", ""}, {"Luang Prabang", ""}, {"Savannakhet", ""}}},
	{code: "MM", weight: 3, language: "en", currency: "USD", perUSD: 1, nameEN: "Myanmar", nameZH: "缅甸",
		company: "%s Co., Ltd.", cities: []city{{"Yangon", ""}, {"Mandalay", ""}, {"Naypyidaw", ""}}},
	{code: "BN", weight: 1, language: "ms", currency: "USD", perUSD: 1, nameEN: "Brunei", nameZH: "文莱", nameOwn: "Brunei",
		company: "%s Sdn. Bhd.", cities: []city{{"Bandar Seri Begawan", "Bandar Seri Begawan"}, {"Kuala Belait", "Kuala Belait"}}},
	{code: "TL", weight: 1, language: "en", currency: "USD", perUSD: 1, nameEN: "Timor-Leste", nameZH: "东帝汶",
		company: "%s Lda.", cities: []city{{"Dili", ""}}},
}

func countryByCode(code string) (country, bool) {
	for _, c := range countries {
		if c.code == code {
			return c, true
		}
	}
	return country{}, false
}

// Brand names for companies: Chinese ones with their characters, the others
// in Latin letters as ASEAN companies often write them.
var (
	brandsCN = [][2]string{{"Xinyuan", "鑫源"}, {"Tianrun", "天润"}, {"Boyuan", "博远"}, {"Hengtai", "恒泰"},
		{"Ruida", "瑞达"}, {"Jiahe", "嘉禾"}, {"Lianchuang", "联创"}, {"Yuanhang", "远航"}, {"Zhiheng", "智恒"},
		{"Lvneng", "绿能"}, {"Huaxin", "华芯"}, {"Qiming", "启明"}}
	brandsASEAN = []string{"Mekong", "Lotus", "Emerald", "Sunrise", "Harmony", "Orchid", "Equator", "Monsoon",
		"Coral", "Teak", "Nusantara", "Andaman"}
)

// sector holds a sector's name in each language and its subsectors' terms.
type sector struct {
	code   string
	weight int
	name   [6]string
	subs   []subsector
}

type subsector struct {
	code  string
	terms [][6]string // zh, en, id, vi, th, ms
}

// sectors is in the order of PRODUCT.md; a test checks it against transfer.Sectors.
var sectors = []sector{
	{code: "electronic_information", weight: 20,
		name: [6]string{"电子信息", "electronic information", "informasi elektronik", "thông tin điện tử", "สารสนเทศอิเล็กทรอนิกส์", "maklumat elektronik"},
		subs: []subsector{
			{"5g_communications", [][6]string{
				{"5G基站", "5G base station", "stasiun pangkalan 5G", "trạm gốc 5G", "สถานีฐาน 5G", "stesen pangkalan 5G"},
				{"毫米波天线", "millimetre-wave antenna", "antena gelombang milimeter", "ăng-ten sóng milimet", "เสาอากาศคลื่นมิลลิเมตร", "antena gelombang milimeter"},
				{"光纤通信", "optical fibre communication", "komunikasi serat optik", "truyền thông cáp quang", "การสื่อสารใยแก้วนำแสง", "komunikasi gentian optik"}}},
			{"artificial_intelligence", [][6]string{
				{"机器视觉", "machine vision", "visi mesin", "thị giác máy", "การมองเห็นของเครื่องจักร", "penglihatan mesin"},
				{"语音识别", "speech recognition", "pengenalan suara", "nhận dạng giọng nói", "การรู้จำเสียงพูด", "pengecaman pertuturan"},
				{"大语言模型", "large language model", "model bahasa besar", "mô hình ngôn ngữ lớn", "โมเดลภาษาขนาดใหญ่", "model bahasa besar"}}},
			{"big_data_cloud", [][6]string{
				{"云计算平台", "cloud computing platform", "platform komputasi awan", "nền tảng điện toán đám mây", "แพลตฟอร์มคลาวด์คอมพิวติ้ง", "platform pengkomputeran awan"},
				{"数据中心", "data centre", "pusat data", "trung tâm dữ liệu", "ศูนย์ข้อมูล", "pusat data"},
				{"大数据分析", "big data analytics", "analitik mahadata", "phân tích dữ liệu lớn", "การวิเคราะห์ข้อมูลขนาดใหญ่", "analitik data raya"}}},
			{"integrated_circuits", [][6]string{
				{"芯片设计", "chip design", "desain chip", "thiết kế chip", "การออกแบบชิป", "reka bentuk cip"},
				{"功率半导体", "power semiconductor", "semikonduktor daya", "bán dẫn công suất", "เซมิคอนดักเตอร์กำลัง", "semikonduktor kuasa"},
				{"芯片封装测试", "chip packaging and testing", "pengemasan dan pengujian chip", "đóng gói và kiểm thử chip", "การบรรจุและทดสอบชิป", "pembungkusan dan pengujian cip"}}},
			{"software_platforms", [][6]string{
				{"工业软件", "industrial software", "perangkat lunak industri", "phần mềm công nghiệp", "ซอฟต์แวร์อุตสาหกรรม", "perisian industri"},
				{"电子商务平台", "e-commerce platform", "platform e-commerce", "nền tảng thương mại điện tử", "แพลตฟอร์มอีคอมเมิร์ซ", "platform e-dagang"},
				{"企业资源计划系统", "ERP system", "sistem ERP", "hệ thống ERP", "ระบบ ERP", "sistem ERP"}}},
			{"satellite_navigation", [][6]string{
				{"北斗导航", "BeiDou navigation", "navigasi BeiDou", "định vị BeiDou", "ระบบนำทางเป่ยโต่ว", "navigasi BeiDou"},
				{"高精度定位", "high-precision positioning", "penentuan posisi presisi tinggi", "định vị độ chính xác cao", "การระบุตำแหน่งความแม่นยำสูง", "penentududukan berketepatan tinggi"},
				{"卫星遥感", "satellite remote sensing", "penginderaan jauh satelit", "viễn thám vệ tinh", "การสำรวจระยะไกลด้วยดาวเทียม", "penderiaan jauh satelit"}}},
			{"iot_smart_devices", [][6]string{
				{"物联网传感器", "IoT sensor", "sensor IoT", "cảm biến IoT", "เซนเซอร์ IoT", "penderia IoT"},
				{"智能家居", "smart home", "rumah pintar", "nhà thông minh", "บ้านอัจฉริยะ", "rumah pintar"},
				{"边缘计算网关", "edge computing gateway", "gateway komputasi tepi", "cổng điện toán biên", "เกตเวย์เอดจ์คอมพิวติ้ง", "get laluan pengkomputeran pinggir"}}},
			{"cybersecurity", [][6]string{
				{"网络安全", "network security", "keamanan jaringan", "an ninh mạng", "ความปลอดภัยเครือข่าย", "keselamatan rangkaian"},
				{"数据加密", "data encryption", "enkripsi data", "mã hóa dữ liệu", "การเข้ารหัสข้อมูล", "penyulitan data"},
				{"入侵检测", "intrusion detection", "deteksi intrusi", "phát hiện xâm nhập", "การตรวจจับการบุกรุก", "pengesanan pencerobohan"}}},
		}},
	{code: "new_energy", weight: 20,
		name: [6]string{"新能源", "new energy", "energi baru", "năng lượng mới", "พลังงานใหม่", "tenaga baharu"},
		subs: []subsector{
			{"solar_pv", [][6]string{
				{"光伏组件", "photovoltaic module", "modul fotovoltaik", "tấm pin quang điện", "แผงโซลาร์เซลล์", "modul fotovolta"},
				{"太阳能电池", "solar cell", "sel surya", "pin mặt trời", "เซลล์แสงอาทิตย์", "sel suria"},
				{"光伏逆变器", "solar inverter", "inverter surya", "biến tần năng lượng mặt trời", "อินเวอร์เตอร์โซลาร์", "penyongsang suria"}}},
			{"wind_power", [][6]string{
				{"风力发电机组", "wind turbine", "turbin angin", "tua-bin gió", "กังหันลม", "turbin angin"},
				{"海上风电", "offshore wind power", "listrik tenaga angin lepas pantai", "điện gió ngoài khơi", "พลังงานลมนอกชายฝั่ง", "tenaga angin luar pesisir"}}},
			{"bioenergy", [][6]string{
				{"生物质气化", "biomass gasification", "gasifikasi biomassa", "khí hóa sinh khối", "การผลิตก๊าซจากชีวมวล", "pengegasan biojisim"},
				{"沼气工程", "biogas plant", "instalasi biogas", "hệ thống khí sinh học", "ระบบก๊าซชีวภาพ", "loji biogas"},
				{"生物柴油", "biodiesel", "biodiesel", "dầu diesel sinh học", "ไบโอดีเซล", "biodiesel"}}},
			{"energy_storage", [][6]string{
				{"锂离子电池", "lithium-ion battery", "baterai litium-ion", "pin lithium-ion", "แบตเตอรี่ลิเทียมไอออน", "bateri litium-ion"},
				{"储能系统", "energy storage system", "sistem penyimpanan energi", "hệ thống lưu trữ năng lượng", "ระบบกักเก็บพลังงาน", "sistem penyimpanan tenaga"},
				{"钠离子电池", "sodium-ion battery", "baterai natrium-ion", "pin natri-ion", "แบตเตอรี่โซเดียมไอออน", "bateri natrium-ion"}}},
			{"hydrogen_fuel_cells", [][6]string{
				{"氢燃料电池", "hydrogen fuel cell", "sel bahan bakar hidrogen", "pin nhiên liệu hydro", "เซลล์เชื้อเพลิงไฮโดรเจน", "sel bahan api hidrogen"},
				{"电解水制氢", "water electrolysis for hydrogen", "elektrolisis air untuk hidrogen", "điện phân nước sản xuất hydro", "การผลิตไฮโดรเจนด้วยการแยกน้ำด้วยไฟฟ้า", "elektrolisis air untuk hidrogen"}}},
			{"electric_vehicles", [][6]string{
				{"电动汽车", "electric vehicle", "kendaraan listrik", "xe điện", "รถยนต์ไฟฟ้า", "kenderaan elektrik"},
				{"电池管理系统", "battery management system", "sistem manajemen baterai", "hệ thống quản lý pin", "ระบบจัดการแบตเตอรี่", "sistem pengurusan bateri"},
				{"充电桩", "charging station", "stasiun pengisian daya", "trạm sạc", "สถานีชาร์จ", "stesen pengecasan"}}},
			{"smart_grid", [][6]string{
				{"智能电网", "smart grid", "jaringan listrik pintar", "lưới điện thông minh", "โครงข่ายไฟฟ้าอัจฉริยะ", "grid pintar"},
				{"微电网", "microgrid", "mikrogrid", "lưới điện siêu nhỏ", "ไมโครกริด", "mikrogrid"},
				{"智能电表", "smart meter", "meteran pintar", "công tơ thông minh", "มิเตอร์อัจฉริยะ", "meter pintar"}}},
			{"energy_efficiency", [][6]string{
				{"余热回收", "waste heat recovery", "pemulihan panas buang", "thu hồi nhiệt thải", "การนำความร้อนทิ้งกลับมาใช้", "pemulihan haba buangan"},
				{"变频驱动", "variable-frequency drive", "penggerak frekuensi variabel", "bộ biến tần", "อินเวอร์เตอร์ปรับความถี่", "pemacu frekuensi boleh ubah"},
				{"建筑节能", "building energy saving", "penghematan energi bangunan", "tiết kiệm năng lượng tòa nhà", "การประหยัดพลังงานในอาคาร", "penjimatan tenaga bangunan"}}},
		}},
	{code: "biomedicine", weight: 18,
		name: [6]string{"生物医药", "biomedicine", "biomedis", "y sinh", "ชีวเวชศาสตร์", "bioperubatan"},
		subs: []subsector{
			{"in_vitro_diagnostics", [][6]string{
				{"体外诊断试剂", "in vitro diagnostic reagent", "reagen diagnostik in vitro", "thuốc thử chẩn đoán in vitro", "น้ำยาตรวจวินิจฉัยภายนอกร่างกาย", "reagen diagnostik in vitro"},
				{"快速检测试纸", "rapid test strip", "strip tes cepat", "que thử nhanh", "ชุดตรวจแบบรวดเร็ว", "jalur ujian pantas"},
				{"即时检验", "point-of-care testing", "pengujian di tempat perawatan", "xét nghiệm tại chỗ", "การตรวจ ณ จุดดูแลผู้ป่วย", "ujian di tempat rawatan"}}},
			{"vaccines_biologics", [][6]string{
				{"疫苗", "vaccine", "vaksin", "vắc-xin", "วัคซีน", "vaksin"},
				{"单克隆抗体", "monoclonal antibody", "antibodi monoklonal", "kháng thể đơn dòng", "แอนติบอดีโมโนโคลนอล", "antibodi monoklonal"},
				{"重组蛋白", "recombinant protein", "protein rekombinan", "protein tái tổ hợp", "โปรตีนรีคอมบิแนนท์", "protein rekombinan"}}},
			{"genomics", [][6]string{
				{"基因测序", "gene sequencing", "sekuensing gen", "giải trình tự gen", "การหาลำดับยีน", "penjujukan gen"},
				{"基因编辑", "gene editing", "penyuntingan gen", "chỉnh sửa gen", "การตัดต่อยีน", "penyuntingan gen"},
				{"生物信息学", "bioinformatics", "bioinformatika", "tin sinh học", "ชีวสารสนเทศ", "bioinformatik"}}},
			{"medical_devices", [][6]string{
				{"医学影像设备", "medical imaging equipment", "peralatan pencitraan medis", "thiết bị chẩn đoán hình ảnh", "อุปกรณ์ถ่ายภาพทางการแพทย์", "peralatan pengimejan perubatan"},
				{"微创手术器械", "minimally invasive surgical instrument", "instrumen bedah invasif minimal", "dụng cụ phẫu thuật xâm lấn tối thiểu", "เครื่องมือผ่าตัดแผลเล็ก", "instrumen pembedahan invasif minimum"},
				{"血液透析机", "haemodialysis machine", "mesin hemodialisis", "máy chạy thận nhân tạo", "เครื่องฟอกไต", "mesin hemodialisis"}}},
			{"pharmaceuticals", [][6]string{
				{"仿制药", "generic drug", "obat generik", "thuốc generic", "ยาสามัญ", "ubat generik"},
				{"原料药", "active pharmaceutical ingredient", "bahan aktif farmasi", "dược chất", "สารออกฤทธิ์ทางเภสัชกรรม", "bahan aktif farmaseutikal"},
				{"缓释制剂", "sustained-release formulation", "formulasi lepas lambat", "bào chế giải phóng kéo dài", "สูตรยาออกฤทธิ์นาน", "formulasi pelepasan berterusan"}}},
			{"traditional_medicine", [][6]string{
				{"中药提取", "herbal medicine extraction", "ekstraksi obat herbal", "chiết xuất dược liệu", "การสกัดสมุนไพร", "pengekstrakan ubat herba"},
				{"传统医药", "traditional medicine", "obat tradisional", "y học cổ truyền", "การแพทย์แผนดั้งเดิม", "perubatan tradisional"},
				{"药用植物种植", "medicinal plant cultivation", "budidaya tanaman obat", "trồng cây dược liệu", "การปลูกพืชสมุนไพร", "penanaman tumbuhan ubatan"}}},
			{"rehabilitation_wearables", [][6]string{
				{"康复机器人", "rehabilitation robot", "robot rehabilitasi", "robot phục hồi chức năng", "หุ่นยนต์ฟื้นฟูสมรรถภาพ", "robot pemulihan"},
				{"可穿戴健康监测", "wearable health monitor", "pemantau kesehatan yang dapat dikenakan", "thiết bị theo dõi sức khỏe đeo được", "อุปกรณ์สวมใส่ติดตามสุขภาพ", "pemantau kesihatan boleh pakai"},
				{"外骨骼", "exoskeleton", "eksoskeleton", "bộ xương ngoài", "โครงกระดูกภายนอก", "eksoskeleton"}}},
			{"digital_health", [][6]string{
				{"远程医疗", "telemedicine", "telemedis", "y tế từ xa", "การแพทย์ทางไกล", "teleperubatan"},
				{"电子病历", "electronic medical record", "rekam medis elektronik", "hồ sơ bệnh án điện tử", "เวชระเบียนอิเล็กทรอนิกส์", "rekod perubatan elektronik"},
				{"AI辅助诊断", "AI-assisted diagnosis", "diagnosis berbantuan AI", "chẩn đoán hỗ trợ bởi AI", "การวินิจฉัยด้วย AI", "diagnosis berbantukan AI"}}},
		}},
	{code: "advanced_materials", weight: 10,
		name: [6]string{"新材料", "advanced materials", "material maju", "vật liệu tiên tiến", "วัสดุขั้นสูง", "bahan termaju"},
		subs: []subsector{
			{"polymers", [][6]string{
				{"可降解塑料", "biodegradable plastic", "plastik biodegradable", "nhựa phân hủy sinh học", "พลาสติกย่อยสลายได้", "plastik terbiodegradasi"},
				{"工程塑料", "engineering plastic", "plastik rekayasa", "nhựa kỹ thuật", "พลาสติกวิศวกรรม", "plastik kejuruteraan"},
				{"天然橡胶改性", "natural rubber modification", "modifikasi karet alam", "biến tính cao su thiên nhiên", "การดัดแปรยางธรรมชาติ", "pengubahsuaian getah asli"}}},
			{"metallurgy", [][6]string{
				{"铝合金", "aluminium alloy", "paduan aluminium", "hợp kim nhôm", "โลหะผสมอะลูมิเนียม", "aloi aluminium"},
				{"稀土冶炼", "rare earth smelting", "peleburan logam tanah jarang", "luyện kim đất hiếm", "การถลุงแร่หายาก", "peleburan nadir bumi"},
				{"粉末冶金", "powder metallurgy", "metalurgi serbuk", "luyện kim bột", "โลหะวิทยาผง", "metalurgi serbuk"}}},
			{"composites", [][6]string{
				{"碳纤维复合材料", "carbon fibre composite", "komposit serat karbon", "vật liệu composite sợi carbon", "วัสดุคอมโพสิตเส้นใยคาร์บอน", "komposit gentian karbon"},
				{"玻璃纤维", "glass fibre", "serat kaca", "sợi thủy tinh", "ใยแก้ว", "gentian kaca"},
				{"竹基复合材料", "bamboo-based composite", "komposit berbasis bambu", "vật liệu composite từ tre", "วัสดุคอมโพสิตจากไม้ไผ่", "komposit berasaskan buluh"}}},
			{"nanomaterials", [][6]string{
				{"石墨烯", "graphene", "grafena", "graphene", "กราฟีน", "grafin"},
				{"纳米涂层", "nano coating", "pelapis nano", "lớp phủ nano", "สารเคลือบนาโน", "salutan nano"},
				{"纳米纤维素", "nanocellulose", "nanoselulosa", "nanocellulose", "นาโนเซลลูโลส", "nanoselulosa"}}},
		}},
	{code: "modern_agriculture", weight: 12,
		name: [6]string{"现代农业", "modern agriculture", "pertanian modern", "nông nghiệp hiện đại", "เกษตรสมัยใหม่", "pertanian moden"},
		subs: []subsector{
			{"crop_breeding", [][6]string{
				{"杂交水稻", "hybrid rice", "padi hibrida", "lúa lai", "ข้าวลูกผสม", "padi hibrid"},
				{"分子育种", "molecular breeding", "pemuliaan molekuler", "chọn giống phân tử", "การปรับปรุงพันธุ์ระดับโมเลกุล", "pembiakbakaan molekul"},
				{"抗病品种", "disease-resistant variety", "varietas tahan penyakit", "giống kháng bệnh", "พันธุ์ต้านทานโรค", "varieti tahan penyakit"}}},
			{"agri_processing", [][6]string{
				{"果蔬保鲜", "fruit and vegetable preservation", "pengawetan buah dan sayur", "bảo quản rau quả", "การถนอมผักและผลไม้", "pengawetan buah-buahan dan sayur-sayuran"},
				{"冷链物流", "cold chain logistics", "logistik rantai dingin", "hậu cần chuỗi lạnh", "โลจิสติกส์ห่วงโซ่ความเย็น", "logistik rantaian sejuk"},
				{"木薯深加工", "cassava processing", "pengolahan singkong", "chế biến sắn", "การแปรรูปมันสำปะหลัง", "pemprosesan ubi kayu"}}},
			{"aquaculture", [][6]string{
				{"循环水养殖", "recirculating aquaculture", "akuakultur resirkulasi", "nuôi trồng thủy sản tuần hoàn", "การเพาะเลี้ยงสัตว์น้ำระบบหมุนเวียน", "akuakultur peredaran semula"},
				{"对虾养殖", "shrimp farming", "budidaya udang", "nuôi tôm", "การเลี้ยงกุ้ง", "penternakan udang"},
				{"水产饲料", "aquafeed", "pakan akuakultur", "thức ăn thủy sản", "อาหารสัตว์น้ำ", "makanan akuakultur"}}},
			{"smart_farming", [][6]string{
				{"农业无人机", "agricultural drone", "drone pertanian", "máy bay không người lái nông nghiệp", "โดรนการเกษตร", "dron pertanian"},
				{"精准灌溉", "precision irrigation", "irigasi presisi", "tưới tiêu chính xác", "การให้น้ำแบบแม่นยำ", "pengairan tepat"},
				{"智慧温室", "smart greenhouse", "rumah kaca pintar", "nhà kính thông minh", "โรงเรือนอัจฉริยะ", "rumah hijau pintar"}}},
		}},
	{code: "advanced_manufacturing", weight: 12,
		name: [6]string{"先进制造", "advanced manufacturing", "manufaktur maju", "sản xuất tiên tiến", "การผลิตขั้นสูง", "pembuatan termaju"},
		subs: []subsector{
			{"robotics", [][6]string{
				{"工业机器人", "industrial robot", "robot industri", "robot công nghiệp", "หุ่นยนต์อุตสาหกรรม", "robot industri"},
				{"协作机器人", "collaborative robot", "robot kolaboratif", "robot cộng tác", "หุ่นยนต์ทำงานร่วมกับมนุษย์", "robot kolaboratif"},
				{"服务机器人", "service robot", "robot layanan", "robot dịch vụ", "หุ่นยนต์บริการ", "robot perkhidmatan"}}},
			{"aerospace", [][6]string{
				{"无人机", "unmanned aerial vehicle", "pesawat tanpa awak", "máy bay không người lái", "อากาศยานไร้คนขับ", "pesawat tanpa pemandu"},
				{"航空发动机部件", "aero-engine component", "komponen mesin pesawat", "linh kiện động cơ hàng không", "ชิ้นส่วนเครื่องยนต์อากาศยาน", "komponen enjin pesawat"},
				{"小卫星", "small satellite", "satelit kecil", "vệ tinh nhỏ", "ดาวเทียมขนาดเล็ก", "satelit kecil"}}},
			{"precision_machinery", [][6]string{
				{"数控机床", "CNC machine tool", "mesin perkakas CNC", "máy công cụ CNC", "เครื่องจักร CNC", "mesin alat CNC"},
				{"精密轴承", "precision bearing", "bantalan presisi", "vòng bi chính xác", "ตลับลูกปืนความแม่นยำสูง", "galas kejituan"},
				{"增材制造", "additive manufacturing", "manufaktur aditif", "sản xuất bồi đắp", "การผลิตแบบเติมเนื้อวัสดุ", "pembuatan bahan tambah"}}},
			{"industrial_automation", [][6]string{
				{"工业互联网", "industrial internet", "internet industri", "internet công nghiệp", "อินเทอร์เน็ตอุตสาหกรรม", "internet industri"},
				{"可编程控制器", "programmable logic controller", "pengendali logika terprogram", "bộ điều khiển logic khả trình", "ตัวควบคุมแบบโปรแกรมได้", "pengawal logik boleh atur cara"},
				{"数字孪生", "digital twin", "kembaran digital", "bản sao số", "ดิจิทัลทวิน", "kembar digital"}}},
		}},
	{code: "environmental_technology", weight: 8,
		name: [6]string{"节能环保", "environmental technology", "teknologi lingkungan", "công nghệ môi trường", "เทคโนโลยีสิ่งแวดล้อม", "teknologi alam sekitar"},
		subs: []subsector{
			{"water_treatment", [][6]string{
				{"污水处理", "wastewater treatment", "pengolahan air limbah", "xử lý nước thải", "การบำบัดน้ำเสีย", "rawatan air sisa"},
				{"海水淡化", "seawater desalination", "desalinasi air laut", "khử mặn nước biển", "การแยกเกลือออกจากน้ำทะเล", "penyahgaraman air laut"},
				{"膜过滤", "membrane filtration", "filtrasi membran", "lọc màng", "การกรองด้วยเมมเบรน", "penapisan membran"}}},
			{"waste_recycling", [][6]string{
				{"废旧电池回收", "spent battery recycling", "daur ulang baterai bekas", "tái chế pin đã qua sử dụng", "การรีไซเคิลแบตเตอรี่ใช้แล้ว", "kitar semula bateri terpakai"},
				{"塑料回收", "plastic recycling", "daur ulang plastik", "tái chế nhựa", "การรีไซเคิลพลาสติก", "kitar semula plastik"},
				{"有机垃圾堆肥", "organic waste composting", "pengomposan sampah organik", "ủ phân hữu cơ từ rác thải", "การทำปุ๋ยหมักจากขยะอินทรีย์", "pengkomposan sisa organik"}}},
			{"air_pollution", [][6]string{
				{"烟气脱硫", "flue gas desulphurisation", "desulfurisasi gas buang", "khử lưu huỳnh khí thải", "การกำจัดซัลเฟอร์จากก๊าซไอเสีย", "penyahsulfuran gas serombong"},
				{"空气质量监测", "air quality monitoring", "pemantauan kualitas udara", "quan trắc chất lượng không khí", "การตรวจวัดคุณภาพอากาศ", "pemantauan kualiti udara"},
				{"VOCs治理", "VOC abatement", "pengendalian VOC", "xử lý VOC", "การบำบัดสารอินทรีย์ระเหยง่าย", "pengawalan VOC"}}},
			{"carbon_capture", [][6]string{
				{"碳捕集与封存", "carbon capture and storage", "penangkapan dan penyimpanan karbon", "thu giữ và lưu trữ carbon", "การดักจับและกักเก็บคาร์บอน", "penangkapan dan penyimpanan karbon"},
				{"二氧化碳利用", "CO2 utilisation", "pemanfaatan CO2", "tận dụng CO2", "การใช้ประโยชน์ CO2", "penggunaan CO2"},
				{"碳足迹核算", "carbon footprint accounting", "perhitungan jejak karbon", "kiểm kê dấu chân carbon", "การคำนวณคาร์บอนฟุตพริ้นท์", "perakaunan jejak karbon"}}},
		}},
}

func sectorByCode(code string) (sector, bool) {
	for _, s := range sectors {
		if s.code == code {
			return s, true
		}
	}
	return sector{}, false
}

// Qualifiers vary the titles: {zh, en, id, vi, th, ms}.
var qualifiers = [][6]string{
	{"高效", "high-efficiency", "efisiensi tinggi", "hiệu suất cao", "ประสิทธิภาพสูง", "berkecekapan tinggi"},
	{"低成本", "low-cost", "berbiaya rendah", "chi phí thấp", "ต้นทุนต่ำ", "kos rendah"},
	{"智能", "intelligent", "cerdas", "thông minh", "อัจฉริยะ", "pintar"},
	{"模块化", "modular", "modular", "dạng mô-đun", "แบบโมดูลาร์", "modular"},
	{"新一代", "next-generation", "generasi baru", "thế hệ mới", "รุ่นใหม่", "generasi baharu"},
	{"节能型", "energy-saving", "hemat energi", "tiết kiệm năng lượng", "ประหยัดพลังงาน", "jimat tenaga"},
	{"便携式", "portable", "portabel", "di động", "แบบพกพา", "mudah alih"},
	{"规模化", "large-scale", "skala besar", "quy mô lớn", "ขนาดใหญ่", "berskala besar"},
}

// Title templates: %[1]s is the term, %[2]s a qualifier.
var (
	offerTitles = [6][]string{
		{"%[2]s%[1]s技术", "%[2]s%[1]s关键技术及产业化"},
		{"%[2]s %[1]s technology", "%[2]s %[1]s: process and equipment"},
		{"Teknologi %[1]s %[2]s", "Proses dan peralatan %[1]s %[2]s"},
		{"Công nghệ %[1]s %[2]s", "Quy trình và thiết bị %[1]s %[2]s"},
		{"เทคโนโลยี%[1]s%[2]s", "กระบวนการและอุปกรณ์%[1]s%[2]s"},
		{"Teknologi %[1]s %[2]s", "Proses dan peralatan %[1]s %[2]s"},
	}
	demandTitles = [6][]string{
		{"寻求%[2]s%[1]s技术", "征集%[1]s技术合作伙伴"},
		{"Seeking %[2]s %[1]s technology", "Partner wanted for %[1]s"},
		{"Mencari teknologi %[1]s %[2]s", "Dicari mitra untuk %[1]s"},
		{"Tìm kiếm công nghệ %[1]s %[2]s", "Cần đối tác về %[1]s"},
		{"ต้องการเทคโนโลยี%[1]s%[2]s", "หาพันธมิตรด้าน%[1]s"},
		{"Mencari teknologi %[1]s %[2]s", "Memerlukan rakan kongsi untuk %[1]s"},
	}
)

// Summary templates: %[1]s term, %[2]s a second term, %[3]s the sector, %[4]d the TRL.
var (
	offerSummaries = [6]string{
		"本团队提供%[1]s技术，可与%[2]s结合，面向%[3]s领域应用。技术成熟度TRL %[4]d，可提供技术培训和现场支持。",
		"We offer %[1]s technology that can be combined with %[2]s for applications in %[3]s. Technology readiness level %[4]d; training and on-site support available.",
		"Kami menawarkan teknologi %[1]s yang dapat dipadukan dengan %[2]s untuk aplikasi di bidang %[3]s. Tingkat kesiapan teknologi %[4]d; tersedia pelatihan dan dukungan di lokasi.",
		"Chúng tôi cung cấp công nghệ %[1]s có thể kết hợp với %[2]s cho các ứng dụng trong lĩnh vực %[3]s. Mức độ sẵn sàng công nghệ %[4]d; có đào tạo và hỗ trợ kỹ thuật tại chỗ.",
		"เรานำเสนอเทคโนโลยี%[1]sที่ใช้ร่วมกับ%[2]sได้ สำหรับการประยุกต์ใช้ด้าน%[3]s ระดับความพร้อมของเทคโนโลยี %[4]d พร้อมการฝึกอบรมและการสนับสนุนในพื้นที่",
		"Kami menawarkan teknologi %[1]s yang boleh digabungkan dengan %[2]s untuk aplikasi dalam bidang %[3]s. Tahap kesediaan teknologi %[4]d; latihan dan sokongan di tapak disediakan.",
	}
	demandSummaries = [6]string{
		"我单位需要%[1]s技术，最好能同时提供%[2]s，用于提升%[3]s领域的生产能力。欢迎技术许可、合作开发等多种合作方式。",
		"We need %[1]s technology, ideally together with %[2]s, to upgrade our capacity in %[3]s. Licensing, joint development and other forms of cooperation are welcome.",
		"Kami membutuhkan teknologi %[1]s, idealnya bersama %[2]s, untuk meningkatkan kapasitas kami di bidang %[3]s. Lisensi, pengembangan bersama, dan bentuk kerja sama lain dipersilakan.",
		"Chúng tôi cần công nghệ %[1]s, tốt nhất kèm theo %[2]s, để nâng cao năng lực trong lĩnh vực %[3]s. Hoan nghênh cấp phép, hợp tác phát triển và các hình thức hợp tác khác.",
		"เราต้องการเทคโนโลยี%[1]s และหากเป็นไปได้พร้อม%[2]s เพื่อยกระดับขีดความสามารถด้าน%[3]s ยินดีรับการอนุญาตให้ใช้สิทธิ การพัฒนาร่วม และความร่วมมือรูปแบบอื่น",
		"Kami memerlukan teknologi %[1]s, sebaik-baiknya bersama %[2]s, untuk meningkatkan keupayaan kami dalam bidang %[3]s. Pelesenan, pembangunan bersama dan bentuk kerjasama lain dialu-alukan.",
	}
	closings = [6]string{
		"欢迎联系技术转移中心了解技术细节并安排实地考察。",
		"Contact the technology transfer centre for technical details and site visits.",
		"Hubungi pusat alih teknologi untuk detail teknis dan kunjungan lapangan.",
		"Vui lòng liên hệ trung tâm chuyển giao công nghệ để biết chi tiết kỹ thuật và tham quan thực tế.",
		"ติดต่อศูนย์ถ่ายทอดเทคโนโลยีเพื่อขอรายละเอียดทางเทคนิคและเยี่ยมชมสถานที่",
		"Hubungi pusat pemindahan teknologi untuk butiran teknikal dan lawatan tapak.",
	}
)

// Institution name templates by type: %[1]s city, %[2]s field, %[3]s brand,
// %[4]s the country in a joint lab's name. Where a type has two forms, the
// same draw picks the English and the local one.
var institutionTypeWeights = map[string]int{"enterprise": 45, "university": 14, "research_institute": 12,
	"government_agency": 5, "tech_transfer_agency": 6, "incubator_park": 8, "joint_lab": 10}

var nameTemplates = map[string]map[int][]string{
	"university": {
		langEN: {"%[1]s University", "%[1]s University of Technology"},
		langZH: {"%[1]s大学", "%[1]s理工大学"},
		langTH: {"มหาวิทยาลัย%[1]s", "มหาวิทยาลัยเทคโนโลยี%[1]s"},
		langVI: {"Đại học %[1]s", "Trường Đại học Bách khoa %[1]s"},
		langID: {"Universitas %[1]s", "Institut Teknologi %[1]s"},
		langMS: {"Universiti %[1]s", "Universiti Teknologi %[1]s"},
	},
	"research_institute": {
		langEN: {"%[1]s Institute of %[2]s"}, langZH: {"%[1]s%[2]s研究院"}, langTH: {"สถาบันวิจัย%[2]s%[1]s"},
		langVI: {"Viện %[2]s %[1]s"}, langID: {"Pusat Riset %[2]s %[1]s"}, langMS: {"Institut Penyelidikan %[2]s %[1]s"},
	},
	"government_agency": {
		langEN: {"%[1]s Department of Science and Technology"}, langZH: {"%[1]s市科学技术局"},
		langTH: {"สำนักงานวิทยาศาสตร์และเทคโนโลยี%[1]s"}, langVI: {"Sở Khoa học và Công nghệ %[1]s"},
		langID: {"Badan Riset dan Inovasi Daerah %[1]s"}, langMS: {"Jabatan Sains dan Teknologi %[1]s"},
	},
	"tech_transfer_agency": {
		langEN: {"%[1]s Technology Transfer Center"}, langZH: {"%[1]s技术转移中心"}, langTH: {"ศูนย์ถ่ายทอดเทคโนโลยี%[1]s"},
		langVI: {"Trung tâm Chuyển giao Công nghệ %[1]s"}, langID: {"Pusat Alih Teknologi %[1]s"},
		langMS: {"Pusat Pemindahan Teknologi %[1]s"},
	},
	"incubator_park": {
		langEN: {"%[1]s Science and Technology Park"}, langZH: {"%[1]s高新技术产业园"}, langTH: {"อุทยานวิทยาศาสตร์%[1]s"},
		langVI: {"Khu Công nghệ cao %[1]s"}, langID: {"Kawasan Sains dan Teknologi %[1]s"}, langMS: {"Taman Teknologi %[1]s"},
	},
	"joint_lab": {
		langEN: {"%[4]s Joint Laboratory for %[2]s"}, langZH: {"中国—%[4]s%[2]s联合实验室"},
		langTH: {"ห้องปฏิบัติการร่วม%[4]s–จีนด้าน%[2]s"}, langVI: {"Phòng thí nghiệm chung %[4]s – Trung Quốc về %[2]s"},
		langID: {"Laboratorium Bersama %[4]s–Tiongkok bidang %[2]s"}, langMS: {"Makmal Bersama %[4]s–China bagi %[2]s"},
	},
	"enterprise": {
		langZH: {"%[1]s%[3]s%[2]s科技有限公司"}, langTH: {"บริษัท %[3]s %[2]s จำกัด"}, langVI: {"Công ty TNHH %[3]s %[2]s"},
		langID: {"PT %[3]s %[2]s"}, langMS: {"%[3]s %[2]s Sdn. Bhd."},
	},
}

var typePhrases = map[string]string{"enterprise": "a technology company", "university": "a university",
	"research_institute": "a research institute", "government_agency": "a government science and technology agency",
	"tech_transfer_agency": "a technology transfer agency", "incubator_park": "an incubator and science park",
	"joint_lab": "a joint laboratory"}

// Institutions returns n institutions, about 40% in China and the rest across
// the ASEAN states, of every type, created over the year that ended two
// years before the listings' window (so before any of their listings).
func Institutions(seed int64, n int) []transfer.Institution {
	if n <= 0 {
		return nil
	}
	r := newRand(seed, streamInstitutions)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // institutions do not take a now: fixed, like their ids
	start := now.AddDate(-3, 0, 0)
	slot := now.AddDate(-2, 0, 0).Sub(start) / time.Duration(n)
	countryWeights := make([]int, len(countries))
	for i, c := range countries {
		countryWeights[i] = c.weight
	}
	types, typeWeights := weightedKeys(institutionTypeWeights)
	out := make([]transfer.Institution, n)
	for i := range out {
		c := countries[pick(r, countryWeights)]
		typ := types[pick(r, typeWeights)]
		cty := c.cities[r.IntN(len(c.cities))]
		secs := pickSectors(r, 1+pick(r, []int{50, 35, 15}))
		field := sectorsByCode(secs)[0]
		variant := r.IntN(2)
		local := langIndex(c.language)
		var brandEN, brandLocal string
		if c.code == transfer.China {
			b := brandsCN[r.IntN(len(brandsCN))]
			brandEN, brandLocal = b[0], b[1]
		} else {
			brandEN = brandsASEAN[r.IntN(len(brandsASEAN))]
			brandLocal = brandEN
		}
		jointEN, jointLocal := c.nameEN+"–China", c.nameOwn
		if c.code == transfer.China {
			partner := countries[1+r.IntN(len(countries)-1)]
			jointEN, jointLocal = "China–"+partner.nameEN, partner.nameZH
		}
		fieldEN := titleCase(field.name[langEN])
		var name string
		if typ == "enterprise" {
			brandField := brandEN + " " + fieldEN
			if c.code == transfer.China {
				brandField = cty.en + " " + brandField
			}
			company := c.company
			if strings.HasSuffix(brandField, " Technology") {
				company = strings.Replace(company, "%s Technology", "%s", 1)
			}
			name = fmt.Sprintf(company, brandField)
		} else {
			name = format(nameTemplates[typ][langEN], variant, cty.en, fieldEN, brandEN, jointEN)
		}
		var localName string
		if c.language != "en" && cty.local != "" {
			localName = format(nameTemplates[typ][local], variant, cty.local, titleCase(field.name[local]), brandLocal, jointLocal)
		}
		slug := fmt.Sprintf("%s-%d", slugify(name, 40), i+1)
		created := start.Add(slot*time.Duration(i) + randDuration(r, slot)).Truncate(time.Second)
		updated := created.Add(randDuration(r, 365*24*time.Hour)).Truncate(time.Second)
		fields := make([]string, len(secs))
		for j, s := range sectorsByCode(secs) {
			fields[j] = s.name[langEN]
		}
		out[i] = transfer.Institution{
			ID:           id(seed, streamInstitutions, i),
			Name:         name,
			LocalName:    localName,
			Country:      c.code,
			Type:         typ,
			Sectors:      secs,
			Website:      "https://www." + slug + ".example",
			Description:  fmt.Sprintf("%s is %s in %s, %s, working on %s.", name, typePhrases[typ], cty.en, c.nameEN, joinAnd(fields)),
			ContactEmail: "techtransfer@" + slug + ".example",
			Verified:     r.IntN(100) < 70,
			Version:      1,
			CreatedAt:    created,
			UpdatedAt:    updated,
		}
	}
	return out
}

// Offers returns n offers of the given institutions: mostly Chinese
// institutions writing in Chinese or English, TRL skewed to 5–9.
func Offers(seed int64, n int, institutions []transfer.Institution, now time.Time) []transfer.Listing {
	return listings(seed, streamOffers, transfer.KindOffer, n, institutions, now)
}

// Demands returns n demands of the given institutions: mostly ASEAN
// institutions writing in their own language, minimum TRL 0–7.
func Demands(seed int64, n int, institutions []transfer.Institution, now time.Time) []transfer.Listing {
	return listings(seed, streamDemands, transfer.KindDemand, n, institutions, now)
}

// Per-kind shapes of the data.
var (
	// Chance, out of 100, to draw the institution from China, from an ASEAN
	// state with a first-class language of its own, or from elsewhere.
	offerOrigin  = []int{65, 20, 15}
	demandOrigin = []int{15, 60, 25}
	// Weights of TRL 1–9 for offers and 0–7 for demands' minimum.
	offerTRL  = []int{1, 1, 3, 5, 12, 18, 22, 20, 18}
	demandTRL = []int{15, 2, 3, 6, 12, 18, 22, 22}
	// Weights of transfer.IPStatuses and transfer.TransferModes.
	ipWeights   = []int{10, 20, 20, 50}
	modeWeights = []int{30, 10, 30, 25, 5}
	// Weights of statuses, in listingStatuses order.
	listingStatuses = []transfer.Status{transfer.StatusPublished, transfer.StatusDraft, transfer.StatusPending,
		transfer.StatusRejected, transfer.StatusWithdrawn, transfer.StatusExpired}
	statusWeights = []int{84, 4, 4, 2, 3, 3}
)

func listings(seed int64, stream uint64, kind transfer.Kind, n int, institutions []transfer.Institution, now time.Time) []transfer.Listing {
	if n <= 0 || len(institutions) == 0 {
		return nil
	}
	r := newRand(seed, stream)
	now = now.UTC().Truncate(time.Second)
	// Three pools by where the institution is and what it writes in.
	var pools [3][]int
	for i, in := range institutions {
		switch lang := languageOf(in.Country); {
		case lang == "zh":
			pools[0] = append(pools[0], i)
		case lang != "en":
			pools[1] = append(pools[1], i)
		default:
			pools[2] = append(pools[2], i)
		}
	}
	origin := offerOrigin
	if kind == transfer.KindDemand {
		origin = demandOrigin
	}
	sectorWeights := make([]int, len(sectors))
	for i, s := range sectors {
		sectorWeights[i] = s.weight
	}
	window := 730 * 24 * time.Hour
	start := now.Add(-window)
	slot := window / time.Duration(n)
	out := make([]transfer.Listing, n)
	for i := range out {
		pool := pools[pick(r, origin)]
		for len(pool) == 0 {
			pool = pools[r.IntN(3)]
		}
		in := institutions[pool[r.IntN(len(pool))]]
		lang := pickLanguage(r, kind, in.Country)

		sec := sectors[pick(r, sectorWeights)]
		if len(in.Sectors) > 0 && r.IntN(100) < 80 {
			if s, ok := sectorByCode(in.Sectors[r.IntN(len(in.Sectors))]); ok {
				sec = s
			}
		}
		sub := sec.subs[r.IntN(len(sec.subs))]
		subCode := sub.code
		if r.IntN(100) < 5 {
			subCode = "" // a sector may be given without a subsector
		}
		ti := r.Perm(len(sub.terms))
		term, other := sub.terms[ti[0]], sub.terms[ti[1]]
		q := qualifiers[r.IntN(len(qualifiers))]

		l := transfer.Listing{
			ID:            id(seed, stream, i),
			Kind:          kind,
			InstitutionID: in.ID,
			Language:      languages[lang],
			Sector:        sec.code,
			Subsector:     subCode,
			Visibility:    "public",
			Version:       1,
		}
		var titles []string
		if kind == transfer.KindOffer {
			titles = offerTitles[lang]
			l.TRL = 1 + pick(r, offerTRL)
			l.IPStatus = transfer.IPStatuses[pick(r, ipWeights)]
			l.Summary = fmt.Sprintf(offerSummaries[lang], term[lang], other[lang], sec.name[lang], l.TRL)
		} else {
			titles = demandTitles[lang]
			l.TRL = pick(r, demandTRL)
			l.Summary = fmt.Sprintf(demandSummaries[lang], term[lang], other[lang], sec.name[lang])
		}
		l.Title = capitalize(fmt.Sprintf(titles[r.IntN(len(titles))], term[lang], q[lang]))
		if r.IntN(100) < 75 {
			l.Description = l.Summary + " " + closings[lang]
		}
		l.Keywords = keywords(r, lang, term, other, sec)
		l.TransferModes = pickModes(r)
		l.Countries = pickCountries(r, kind, in.Country)
		l.AmountMin, l.AmountMax, l.Currency = pickAmounts(r, kind, in.Country)
		if r.IntN(100) < 10 {
			l.Visibility = "confidential"
		}

		created := start.Add(slot*time.Duration(i) + randDuration(r, slot)).Truncate(time.Second)
		updated := created.Add(randDuration(r, min(120*24*time.Hour, now.Sub(created)))).Truncate(time.Second)
		l.CreatedAt, l.UpdatedAt = created, updated
		l.Status = listingStatuses[pick(r, statusWeights)]
		switch l.Status {
		case transfer.StatusRejected:
			l.StatusReason = "The technical description is incomplete; please add test results."
		case transfer.StatusWithdrawn:
			l.StatusReason = "Withdrawn by the institution."
		}
		if l.Status == transfer.StatusPublished || l.Status == transfer.StatusExpired ||
			(l.Status == transfer.StatusWithdrawn && r.IntN(2) == 0) {
			p := created.Add(randDuration(r, updated.Sub(created))).Truncate(time.Second)
			l.PublishedAt = &p
		}
		switch {
		case l.Status == transfer.StatusExpired:
			end := updated // the sweeper moved it when it ended
			l.EndsAt = &end
		case kind == transfer.KindOffer && r.IntN(100) < 40:
			end := now.Add(30*24*time.Hour + randDuration(r, 690*24*time.Hour)).Truncate(time.Second)
			l.EndsAt = &end
		case kind == transfer.KindDemand && r.IntN(100) < 55:
			end := now.Add(14*24*time.Hour + randDuration(r, 350*24*time.Hour)).Truncate(time.Second)
			l.EndsAt = &end
		}
		out[i] = l
	}
	return out
}

// agreementsStart is when the agreements' window opens: the first are
// signed in 2018, and each year brings more than the one before.
var agreementsStart = time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)

// Shapes of the agreements.
var (
	// Weights of transfer.AgreementTypes.
	agreementTypeWeights = []int{24, 16, 18, 12, 14, 10, 6}
	// Weights of two, three and four parties.
	partyCountWeights = []int{72, 21, 7}
	// Who the parties are: China with ASEAN, ASEAN states among themselves,
	// or institutions of one country.
	agreementShapes = []int{80, 13, 7}
	// Contract value in US dollars, low and high (drawn log-uniform), by type.
	agreementValueUSD = map[string][2]float64{"development": {50_000, 5_000_000}, "transfer": {100_000, 10_000_000},
		"licensing": {50_000, 5_000_000}, "consulting": {5_000, 300_000}, "service": {10_000, 1_000_000},
		"joint_lab": {200_000, 10_000_000}, "other": {10_000, 1_000_000}}
	agreementTitles = map[string]string{"development": "Joint development of %s", "transfer": "Transfer of %s technology",
		"licensing": "Licence for %s technology", "consulting": "Consulting on %s", "service": "Technical services for %s",
		"joint_lab": "Joint laboratory for %s", "other": "Cooperation on %s"}
	terminationReasons = []string{
		"The recipient relocated its production line; both parties agreed to end the contract.",
		"Funding for the second phase was not approved.",
		"The export licence for the equipment was not granted.",
		"The provider could not meet the agreed technical indicators.",
		"Superseded by a framework agreement between the parties.",
	}
	unsignedReason = "Negotiations ended without a signed contract."
)

// Agreements returns n agreements between the given institutions (at least
// two), recorded from 2018 up to now, more in later years, in id order.
// About 80% join a Chinese institution with one or more ASEAN ones, 13% are
// among ASEAN states and 7% within one country; each has two to four
// distinct parties with the country and type of their institution, as the
// store records them. Signed agreements carry signed_on, shortly before they
// were recorded; older ones are more often in execution or completed.
// Planned agreements have no signed_on; those older than 18 months ended
// unsigned (terminated). About 80% carry a value, in yuan, dollars or an
// ASEAN party's currency; 10% are confidential; 97% are confirmed.
func Agreements(seed int64, n int, institutions []transfer.Institution, now time.Time) []transfer.Agreement {
	if n <= 0 || len(institutions) < 2 {
		return nil
	}
	r := newRand(seed, streamAgreements)
	now = now.UTC().Truncate(time.Second)
	start := agreementsStart
	if !start.Before(now) {
		start = now.AddDate(-8, 0, 0)
	}
	window := now.Sub(start)
	var cn, asean, all []int
	byCountry := map[string][]int{}
	for i, in := range institutions {
		if in.Country == transfer.China {
			cn = append(cn, i)
		} else {
			asean = append(asean, i)
		}
		byCountry[in.Country] = append(byCountry[in.Country], i)
		all = append(all, i)
	}
	perUSD := map[string]float64{"USD": 1}
	for _, c := range countries {
		if c.currency != "USD" {
			perUSD[c.currency] = c.perUSD
		}
	}
	sectorWeights := make([]int, len(sectors))
	for i, s := range sectors {
		sectorWeights[i] = s.weight
	}

	out := make([]transfer.Agreement, n)
	picked := make([]int, 0, 4)
	for i := range out {
		// Parties: distinct institutions, from the pools the shape names; a
		// pool that runs short is filled up from all institutions.
		picked = picked[:0]
		add := func(pool []int) bool {
			if len(pool) == 0 {
				return false
			}
			off := r.IntN(len(pool))
			for k := range pool {
				if j := pool[(off+k)%len(pool)]; !slices.Contains(picked, j) {
					picked = append(picked, j)
					return true
				}
			}
			return false
		}
		want := min(2+pick(r, partyCountWeights), len(institutions))
		switch pick(r, agreementShapes) {
		case 0: // China with ASEAN, sometimes two Chinese institutions
			add(cn)
			for len(picked) < want {
				pool := asean
				if len(picked) >= 2 && r.IntN(100) < 25 {
					pool = cn
				}
				if !add(pool) {
					break
				}
			}
		case 1: // among ASEAN institutions
			for len(picked) < want && add(asean) {
			}
		default: // within one country
			add(all)
			for len(picked) < want && add(byCountry[institutions[picked[0]].Country]) {
			}
		}
		for len(picked) < 2 {
			add(all)
		}

		g := transfer.Agreement{
			ID:        id(seed, streamAgreements, i),
			Type:      transfer.AgreementTypes[pick(r, agreementTypeWeights)],
			CreatedBy: "synthetic",
			Version:   1,
			Confirmed: r.IntN(100) < 97,
		}
		if r.IntN(100) < 15 { // the ASEAN party provides, China receives
			picked[0], picked[1] = picked[1], picked[0]
		}
		allPartners := g.Type == "joint_lab" || (g.Type == "development" && r.IntN(2) == 0) || g.Type == "other"
		var names []string
		for k, j := range picked {
			in := institutions[j]
			role := "partner"
			if !allPartners && k < 2 {
				role = []string{"provider", "recipient"}[k]
			}
			g.Parties = append(g.Parties, transfer.Party{InstitutionID: in.ID, Role: role, Country: in.Country,
				InstitutionType: in.Type})
			name := in.Country
			if c, ok := countryByCode(in.Country); ok {
				name = c.nameEN
			}
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}

		// What: the provider's field most of the time.
		sec := sectors[pick(r, sectorWeights)]
		if lead := institutions[picked[0]]; len(lead.Sectors) > 0 && r.IntN(100) < 80 {
			if s, ok := sectorByCode(lead.Sectors[r.IntN(len(lead.Sectors))]); ok {
				sec = s
			}
		}
		sub := sec.subs[r.IntN(len(sec.subs))]
		g.Sector, g.Subsector = sec.code, sub.code
		term := sub.terms[r.IntN(len(sub.terms))][langEN]
		if r.IntN(100) < 10 {
			g.Subsector, term = "", sec.name[langEN] // a sector may be given without a subsector
		}
		g.Title = capitalize(fmt.Sprintf(agreementTitles[g.Type], term)) + " (" + strings.Join(names, "–") + ")"

		// When: recorded at a time growing with i (density rising linearly
		// over the window), signed up to 90 days before.
		x := (float64(i) + r.Float64()) / float64(n)
		created := start.Add(time.Duration(float64(window) * math.Sqrt(x))).Truncate(time.Second)
		signed := created.Add(-randDuration(r, 90*24*time.Hour))
		if signed.Before(start) {
			signed = start
		}
		age := now.Sub(signed)
		switch roll := r.IntN(100); {
		case roll < 8 && now.Sub(created) < 548*24*time.Hour:
			g.Status = "planned"
		case roll < 8:
			g.Status, g.TerminationReason = "terminated", unsignedReason
		case roll < 13:
			g.Status, g.TerminationReason = "terminated", terminationReasons[r.IntN(len(terminationReasons))]
		case age < 180*24*time.Hour:
			g.Status = choose(r.IntN(100) < 55, "signed", "in_execution")
		case age < 730*24*time.Hour:
			g.Status = []string{"signed", "in_execution", "completed"}[pick(r, []int{10, 70, 20})]
		default:
			g.Status = choose(r.IntN(100) < 25, "in_execution", "completed")
		}
		if g.Status != "planned" && g.TerminationReason != unsignedReason {
			g.SignedOn = signed.Format(time.DateOnly)
			switch {
			case signed.Month() == time.September && r.IntN(100) < 60:
				g.EventName = fmt.Sprintf("China–ASEAN Expo %d", signed.Year())
			case r.IntN(100) < 5:
				g.EventName = fmt.Sprintf("China–ASEAN Technology Transfer and Collaborative Innovation Conference %d", signed.Year())
			}
		}

		// Value: in yuan, dollars or the ASEAN party's currency.
		if r.IntN(100) < 80 {
			g.Currency = agreementCurrency(r, g.Parties)
			lim := agreementValueUSD[g.Type]
			usd := lim[0] * math.Pow(lim[1]/lim[0], r.Float64())
			v := roundNice(usd * perUSD[g.Currency])
			g.ValueAmount = &v
		}
		g.Confidential = r.IntN(100) < 10
		g.CreatedAt = created
		g.UpdatedAt = created.Add(randDuration(r, min(730*24*time.Hour, now.Sub(created)))).Truncate(time.Second)
		out[i] = g
	}
	return out
}

// agreementCurrency: within one country mostly its own currency; with
// China yuan or dollars, sometimes the ASEAN party's currency; among ASEAN
// states dollars or the first party's currency.
func agreementCurrency(r *rand.Rand, parties []transfer.Party) string {
	hasCN, domestic, local := false, true, ""
	for _, p := range parties {
		if p.Country != parties[0].Country {
			domestic = false
		}
		if p.Country == transfer.China {
			hasCN = true
		} else if c, ok := countryByCode(p.Country); ok && local == "" {
			local = c.currency
		}
	}
	if local == "" {
		local = "USD" // a country the generator does not know
	}
	switch {
	case domestic && hasCN:
		return choose(r.IntN(100) < 90, "CNY", "USD")
	case domestic:
		return choose(r.IntN(100) < 85, local, "USD")
	case hasCN:
		return []string{"CNY", "USD", local}[pick(r, []int{45, 33, 22})]
	default:
		return choose(r.IntN(100) < 45, "USD", local)
	}
}

// languageOf is what institutions of a country mostly write in.
func languageOf(code string) string {
	if c, ok := countryByCode(code); ok {
		return c.language
	}
	return "en"
}

// pickLanguage keeps to the institution's language most of the time; offers
// lean to English as the lingua franca, demands to the local language.
func pickLanguage(r *rand.Rand, kind transfer.Kind, countryCode string) int {
	local := langIndex(languageOf(countryCode))
	roll := r.IntN(100)
	switch {
	case local == langZH && kind == transfer.KindOffer:
		return choose(roll < 70, langZH, langEN)
	case local == langZH:
		return choose(roll < 75, langZH, langEN)
	case roll < 5:
		return langZH // some ASEAN institutions, often Chinese-speaking, write in Chinese
	case local == langEN:
		return langEN
	case kind == transfer.KindOffer:
		return choose(roll < 50, local, langEN)
	default:
		return choose(roll < 80, local, langEN)
	}
}

func choose[T any](cond bool, a, b T) T {
	if cond {
		return a
	}
	return b
}

// keywords are the two terms and the sector in the listing's language, often
// with the English term as well, as bilingual listings tend to have.
func keywords(r *rand.Rand, lang int, term, other [6]string, sec sector) []string {
	kws := []string{term[lang], other[lang]}
	if r.IntN(2) == 0 {
		kws = append(kws, sec.name[lang])
	}
	if lang != langEN && r.IntN(100) < 40 {
		kws = append(kws, term[langEN])
	}
	out := kws[:0]
	for _, k := range kws {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func pickModes(r *rand.Rand) []string {
	n := 1 + pick(r, []int{50, 35, 15})
	var out []string
	for len(out) < n {
		m := transfer.TransferModes[pick(r, modeWeights)]
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// pickCountries: an offer's target markets or a demand's acceptable sources,
// along the China–ASEAN corridor; sometimes none (anywhere).
func pickCountries(r *rand.Rand, kind transfer.Kind, home string) []string {
	if r.IntN(100) < 18 {
		return []string{}
	}
	var out []string
	add := func(c string) {
		if c != home && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if home != transfer.China && (kind == transfer.KindDemand || r.IntN(100) < 80) {
		add(transfer.China)
	}
	asean := make([]int, len(countries)-1)
	for i := range asean {
		asean[i] = countries[i+1].weight
	}
	for range 1 + r.IntN(3) {
		add(countries[1+pick(r, asean)].code)
	}
	if len(out) == 0 {
		return []string{}
	}
	return out
}

// pickAmounts: a price or budget in the home currency or US dollars, most of
// the time a range, sometimes one bound, sometimes none ("negotiable").
func pickAmounts(r *rand.Rand, kind transfer.Kind, home string) (lo, hi *int64, currency string) {
	roll := r.IntN(100)
	if roll < 15 {
		return nil, nil, ""
	}
	c, ok := countryByCode(home)
	if !ok || r.IntN(100) < 30 {
		c = country{currency: "USD", perUSD: 1}
	}
	low, high := 20_000.0, 3_000_000.0
	if kind == transfer.KindDemand {
		low, high = 10_000, 2_000_000
	}
	usd := low * math.Pow(high/low, r.Float64()) // log-uniform
	minV := roundNice(usd * c.perUSD)
	maxV := max(roundNice(float64(minV)*[]float64{1.5, 2, 3, 5}[r.IntN(4)]), minV)
	switch {
	case roll < 80:
		return &minV, &maxV, c.currency
	case kind == transfer.KindDemand || roll < 90:
		return nil, &maxV, c.currency // "up to"
	default:
		return &minV, nil, c.currency // "from"
	}
}

// roundNice keeps two significant digits, as people quote prices.
func roundNice(x float64) int64 {
	if x < 100 {
		return int64(math.Round(x))
	}
	p := math.Pow(10, math.Floor(math.Log10(x))-1)
	return int64(math.Round(x/p) * p)
}

func pickSectors(r *rand.Rand, n int) []string {
	weights := make([]int, len(sectors))
	for i, s := range sectors {
		weights[i] = s.weight
	}
	var out []string
	for len(out) < n {
		s := sectors[pick(r, weights)].code
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func sectorsByCode(codes []string) []sector {
	out := make([]sector, 0, len(codes))
	for _, c := range codes {
		if s, ok := sectorByCode(c); ok {
			out = append(out, s)
		}
	}
	return out
}

// pick returns an index drawn in proportion to weights.
func pick(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.IntN(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// weightedKeys returns a map's keys in a fixed order with their weights: map
// order is random and would break determinism.
func weightedKeys(m map[string]int) ([]string, []int) {
	keys := make([]string, 0, len(m))
	for _, t := range transfer.InstitutionTypes {
		if _, ok := m[t]; ok {
			keys = append(keys, t)
		}
	}
	weights := make([]int, len(keys))
	for i, k := range keys {
		weights[i] = m[k]
	}
	return keys, weights
}

func randDuration(r *rand.Rand, d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(r.Int64N(int64(d)))
}

func format(templates []string, variant int, args ...any) string {
	return fmt.Sprintf(templates[variant%len(templates)], args...)
}

func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = capitalize(w)
	}
	return strings.Join(words, " ")
}

func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// slugify keeps ASCII letters and digits of s, lower case, dash-separated.
func slugify(s string, maxLen int) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		if c < utf8.RuneSelf && (unicode.IsLetter(c) || unicode.IsDigit(c)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
		} else {
			dash = true
		}
	}
	out := b.String()
	if len(out) > maxLen {
		out = out[:maxLen]
		if i := strings.LastIndexByte(out, '-'); i > 0 {
			out = out[:i] // end on a whole word
		}
	}
	return out
}
