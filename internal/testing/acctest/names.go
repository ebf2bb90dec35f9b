package acctest

// RealNames are names people give what they make in Entra, written as they are typed: in many scripts, with
// the joiners some scripts and every emoji sequence need. Each is NFC, as OpenTofu and Terraform hand every
// configuration string to the provider NFC-normalized (cty does it), so each reaches Graph as written here.
// The name rule's unit tests (internal/tf) accept every one, and acceptance tests send them to Graph.
var RealNames = []struct{ What, Name string }{
	{"emoji family (ZWJ sequence)", "Family sign-up \U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466"},
	{"flag (regional indicators)", "Inscription France 🇫🇷"},
	{"subdivision flag (tag sequence)", "Sign-up England 🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"},
	{"skin tones, one in a ZWJ sequence", "Welcome 👋🏽 👩🏿\u200d💻"},
	{"Persian with ZWNJ", "اعتبارسنجی ثبت\u200cنام"},
	{"Arabic with harakat", "التَّحَقُّقُ مِنَ التَّسْجِيلِ"},
	{"Hindi with conjuncts", "उपयोगकर्ता पंजीकरण सत्यापन"},
	{"Hindi half form with ZWJ", "लक्\u200dष्मी पंजीकरण"},
	{"Sinhala with ZWJ", "ශ්\u200dරී ලංකා ලියාපදිංචිය"},
	{"Bengali", "সদস্য নিবন্ধন যাচাইকরণ"},
	{"Thai", "ตรวจสอบการลงทะเบียน"},
	{"Hebrew with niqqud", "הַרְשָׁמָה לַמַּעֲרֶכֶת"},
	{"Hebrew and Latin with a right-to-left mark", "הרשמה Contoso\u200f"},
	{"Chinese", "注册验证"},
	{"Japanese", "会員登録の確認"},
	{"Korean", "회원가입 검증"},
	{"Mongolian with a vowel separator", "ᠬᠠᠷ\u180eᠠ"},
}
