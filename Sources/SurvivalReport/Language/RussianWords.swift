import SurvivalSupport

/// The report's Russian words (`language = "ru"`), with the conventions of Russian medical
/// journals: decimal comma, `56 ± 8 %`, `p = 0,23`, `ОР 0,99 (0,98–1,01)`, `95 % ДИ`.
struct RussianWords: Words {
  let allPatients = "Все включённые пациенты"
  let all = "все"
  let headlineHeading = "Основные показатели"
  let populationsHeading = "Популяции анализа"
  let estimabilityHeading = "Что нельзя оценить и что требует осторожности"
  let methodsHeading = "Методы"
  let flowHeading = "Движение пациентов"
  let comparisonHeading = "Сравнение с предыдущим срезом данных"

  func dataParagraph(
    file: String, dataSHA: String, planSHA: String, cutoff: String, version: String, patients: Int,
    afterCutoff: Int
  ) -> String {
    "Данные: \(file) (SHA-256 \(dataSHA)); план SHA-256 \(planSHA); дата среза \(cutoff); "
      + "SurvivalKit \(version). Пациентов: \(patients); дат событий после среза, не учтённых в анализе: \(afterCutoff) (наблюдение заканчивается датой среза)."
  }
  let populationHeader = ["популяция", "код", "n", "определение"]
  func populationRow(_ label: String, _ name: String, _ n: Int, _ conditions: String) -> [String] {
    [label, name, "\(n)", conditions]
  }
  let everyone = "все пациенты в данных"
  let noEstimabilityIssues =
    "Все представленные показатели оценены; ни одна модель не требует особой осторожности."
  func forestTitle(_ title: String?) -> String { title ?? "Отношения рисков" }
  let forestCaption =
    "Отношения рисков с доверительными интервалами; под каждой строкой серым указана модель (конечная точка ~ факторы), из которой она взята."

  func unitName(_ unit: String) -> String {
    ["days": "дни", "weeks": "недели", "months": "месяцы", "years": "годы"][unit] ?? unit
  }
  func unitShort(_ unit: String) -> String {
    ["days": "дн.", "weeks": "нед.", "months": "мес.", "years": "лет"][unit] ?? unit
  }
  func landmark(_ t: Double, _ unit: String) -> String {
    func n(_ x: Double) -> String { NumberFormatting.shortest(x).replacing(".", with: ",") }
    if unit == "months" && t.truncatingRemainder(dividingBy: 12) == 0 && t > 0 {
      return "\(n(t / 12))-летняя"
    }
    switch unit {
    case "months": return "\(n(t))-месячная"
    case "weeks": return "\(n(t))-недельная"
    case "years": return "\(n(t))-летняя"
    default: return "\(n(t))-дневная"
    }
  }
  func perUnit(_ label: String, _ unit: String?) -> String {
    guard let unit else { return "\(label), на единицу" }
    return "\(label), на 1 \(unit)"
  }
  func versus(_ variable: String, _ level: String, _ reference: String) -> String {
    "\(variable): \(level) против \(reference)"
  }
  let group = "группа"
  let events = "события"
  let term = "фактор"
  let atRisk = "под риском"
  let standardErrorShort = "ст. ош."
  let notInformative = "не информативно (под риском никого нет)"
  let notEstimableSeeNotes = "не оценивается (см. примечания)"
  let expectedEvents = "ожидаемые события"
  let below = "ниже"
  let atOrAbove = "на уровне или выше"
  let highLow = "n выше / ниже"

  func medianIn(_ unit: String) -> String { "медиана, \(unitShort(unit))" }
  func landmarkColumn(_ name: String, _ level: String) -> String {
    "\(name): оценка ± ст. ош. (\(level) % ДИ)"
  }
  func rmstColumn(_ tau: String, _ unit: String) -> String {
    "ограниченное среднее до \(tau) \(unitShort(unit))"
  }
  func byTitle(_ endpoint: String, _ by: String) -> String { "\(endpoint) по группам: \(by)" }
  func timeSince(_ unit: String, _ origin: String) -> String {
    let u = unitName(unit)
    return "\(u.prefix(1).uppercased())\(u.dropFirst()) от события «\(origin)»"
  }
  func transformName(_ t: String) -> String {
    [
      "log": "логарифмическое", "log-log": "двойное логарифмическое", "plain": "без преобразования",
      "logit": "логит", "arcsin": "арксинус",
    ][t] ?? t
  }
  func kmCaption(_ title: String, _ level: String, _ transform: String) -> String {
    "\(title): оценка Каплана–Мейера с поточечными \(level) % доверительными границами (преобразование \(transformName(transform))); штрихи — цензурирование; в таблице — число пациентов под риском."
  }
  func kmMethod(_ level: String, _ transform: String, _ followUp: Bool) -> String {
    "Оценки Каплана–Мейера со стандартными ошибками по Гринвуду и поточечными \(level) % границами (преобразование \(transformName(transform))); медианы по правилу R с границами Брукмейера–Кроули"
      + (followUp
        ? "; медиана наблюдения — обратным методом Каплана–Мейера (Schemper & Smith 1996)." : ".")
  }
  func landmarkHeadline(_ landmark: String, _ name: String, _ value: String) -> String {
    "\(landmark) \(name): \(value)"
  }
  func medianFollowUp(_ value: String, _ unit: String) -> String {
    "Медиана наблюдения \(value) \(unitShort(unit)) (обратный метод Каплана–Мейера)"
  }
  func nobodyAtRisk(
    _ id: String, _ name: String, _ landmark: String, _ last: String, _ unit: String
  ) -> String {
    "\(id): к отметке «\(landmark) \(name)» под риском никого не осталось (последнее наблюдение — \(last) \(unitShort(unit))); перенесённая оттуда оценка ничего не говорит об этом сроке и не приводится."
  }

  func logrankHeadline(_ endpoint: String, _ by: String, _ chisq: String, _ df: Int, _ p: String)
    -> String
  {
    "\(endpoint) по группам (\(by)): лог-ранговый критерий χ² = \(chisq), число степеней свободы \(df), \(p)"
  }
  func trendSentence(_ statistic: String, _ p: String) -> String {
    "Критерий тренда по порядку групп: χ² = \(statistic), 1 степень свободы, \(p)."
  }
  func adjustedP(_ method: String) -> String { "p (поправка \(method))" }
  func logrankMethod(_ weight: String) -> String {
    let name =
      weight == "log-rank"
      ? "лог-ранговым критерием" : "взвешенным лог-ранговым критерием \(weight)"
    return "Группы сравнивались \(name) (χ² с числом степеней свободы, равным числу групп − 1)."
  }
  func noEventsInGroup(_ id: String, _ group: String, _ endpoint: String) -> String {
    "\(id): в группе «\(group)» нет событий (\(endpoint)); отношение рисков с этой группой равно 0 или бесконечности, и критерий мало что говорит."
  }

  func coxHeadline(_ endpoint: String, _ term: String, _ hr: String, _ p: String) -> String {
    "Регрессия Кокса, \(endpoint), \(term): ОР \(hr), \(p)"
  }
  func coxSentence(_ model: String, _ n: Int, _ events: Int, _ zph: String?, _ c: String?)
    -> String
  {
    var s = "\(model): пациентов \(n), событий \(events)"
    if let c { s += "; индекс согласованности \(c)" }
    if let zph { s += "; пропорциональность рисков (общий тест cox.zph) \(zph)" }
    return s + "."
  }
  func hrColumn(_ level: String) -> String { "ОР (\(level) % ДИ)" }
  func coxMethod(_ level: String, _ ties: String) -> String {
    let method =
      ["efron": "по методу Эфрона", "breslow": "по методу Бреслоу", "exact": "по точному методу"][
        ties] ?? ties
    return
      "Модели пропорциональных рисков Кокса (совпадающие времена \(method)), отношения рисков с \(level) % границами Вальда; пропорциональность рисков проверена тестами cox.zph с преобразованием времени по Каплану–Мейеру."
  }
  func constantByInclusion(
    _ id: String, _ variable: String, _ value: String, _ population: String, _ criterion: String
  ) -> String {
    "\(id): фактор «\(variable)» оценить нельзя: у всех пациентов популяции «\(population)» он равен «\(value)», потому что этого требуют критерии включения (\(criterion)). Сравнивать не с кем."
  }
  func constantTerm(_ id: String, _ variable: String, _ value: String, _ population: String)
    -> String
  {
    "\(id): фактор «\(variable)» оценить нельзя: у всех пациентов популяции «\(population)» он равен «\(value)», сравнивать не с кем."
  }
  func aliased(_ id: String, _ term: String) -> String {
    "\(id): фактор «\(term)» оценить нельзя: он линейно выражается через предыдущие факторы (коллинеарность), и данные не позволяют отделить его эффект."
  }
  func monotone(_ id: String, _ term: String) -> String {
    "\(id): правдоподобие растёт, пока коэффициент фактора «\(term)» уходит в бесконечность (монотонное правдоподобие, обычно нет событий в одной из групп); отношение рисков и его границы не информативны. Конечную оценку даёт пенализованная модель (Фёрта)."
  }
  func eventsPerVariable(_ id: String, _ events: Int, _ coefficients: Int, _ epv: String) -> String
  {
    "\(id): \(events) событий на \(coefficients) коэфф. (\(epv) события на переменную, меньше 10): оценки могут быть смещены, а интервалы — слишком узки; результаты носят поисковый характер."
  }

  func splitLabel(_ marker: String, _ cut: String, _ unit: String?) -> String {
    "\(marker) ≥ \(cut)\(unit.map { " \($0)" } ?? "") против <"
  }
  func splitEmpty(_ id: String, _ split: String, _ side: String, _ population: String) -> String {
    "\(id): «\(split)» оценить нельзя: в популяции «\(population)» никто не находится \(side) порога, сравнивать не с кем."
  }
  func splitEmptyByInclusion(
    _ id: String, _ split: String, _ side: String, _ population: String, _ criterion: String
  ) -> String {
    "\(id): «\(split)» оценить нельзя: в популяции «\(population)» никто не находится \(side) порога, потому что критерии включения исключают таких пациентов (\(criterion))."
  }
  func splitModel(_ endpoint: String, _ marker: String, _ cut: String, _ unit: String?) -> String {
    "\(endpoint) ~ \(marker), порог \(cut)\(unit.map { " \($0)" } ?? "")"
  }
  func thresholdNotEstimable(_ id: String, _ split: String, _ warnings: String) -> String {
    "\(id): отношение рисков для «\(split)» не информативно: \(warnings)."
  }
  func splitAt(_ marker: String) -> String { "\(marker), не ниже" }
  func logrankP(_ endpoint: String) -> String { "p лог-рангового критерия (\(endpoint))" }
  func hrHighLow(_ level: String) -> String { "ОР выше против ниже (\(level) % ДИ)" }
  func thresholdsMethod(_ marker: String) -> String {
    "Для каждого порога \(marker) пациенты на уровне порога и выше сравнивались с пациентами ниже него: лог-ранговый критерий и отношение рисков Кокса."
  }
  func maxstatSentence(
    _ marker: String, _ candidates: Int, _ low: String, _ high: String, _ cut: String,
    _ unit: String?, _ statistic: String, _ adjusted: String, _ naive: String
  ) -> String {
    "Максимально отобранная лог-ранговая статистика по порогам \(marker) (\(candidates) кандидатов между квантилями \(low) % и \(high) %): лучший порог \(cut)\(unit.map { " \($0)" } ?? ""), |Z| = \(statistic), с поправкой на выбор \(adjusted) (Lausen & Schumacher 1992). Наивное p этого разбиения, \(naive), не учитывает поиск и не должно приводиться."
  }
  func maxstatMethod(_ marker: String) -> String {
    "Максимально отобранная лог-ранговая статистика по порогам \(marker) с поправкой Лаузена–Шумахера (1992), чтобы лучший порог никогда не сопровождался наивным p."
  }

  func proportionHeadline(
    _ label: String, _ percent: String, _ count: Int, _ total: Int, _ level: String,
    _ range: String
  ) -> String {
    "\(label) \(percent) (\(count)/\(total); \(level) % ДИ \(range))"
  }
  func ciColumn(_ level: String) -> String { "\(level) % ДИ" }
  func proportionMethod(_ label: String, _ success: String, _ level: String) -> String {
    "\(label) = \(success) среди пациентов с оценкой ответа, с точными \(level) % интервалами Клоппера–Пирсона."
  }

  let cause = "причина"
  let cifTitle = "Кумулятивная частота"
  func graySentence(_ cause: String, _ statistic: String, _ df: Int, _ p: String) -> String {
    "Тест Грея, причина \(cause): χ² = \(statistic), степеней свободы \(df), \(p)."
  }
  func cifCaption(_ title: String) -> String {
    "\(title): кумулятивная частота каждой причины по Аалену–Йохансену (свой тип линии для каждой причины)."
  }
  func cifMethod(_ level: String) -> String {
    "Кумулятивная частота конкурирующих событий по оценке Аалена–Йохансена, стандартные ошибки методом бесконечно малого складного ножа и \(level) % границы в логарифмической шкале; группы сравнивались тестом Грея."
  }
  func fineGraySentence(_ cause: String, _ n: Int, _ events: Int, _ competing: Int, _ censored: Int)
    -> String
  {
    "Модель Файна–Грея для причины \(cause): пациентов \(n), событий этой причины \(events), конкурирующих событий \(competing), цензурировано \(censored)."
  }
  func shrColumn(_ level: String) -> String { "ОР субраспределения (\(level) % ДИ)" }
  func fineGrayMethod(_ level: String) -> String {
    "Модели пропорциональных рисков субраспределения Файна–Грея (cmprsk::crr), робастные стандартные ошибки и \(level) % границы Вальда."
  }
  func notConverged(_ id: String, _ iterations: Int) -> String {
    "Анализ \(id): подгонка не сошлась за \(iterations) итераций; оценки ненадёжны."
  }
  func aftSentence(_ model: String, _ dist: String, _ n: Int, _ events: Int, _ loglik: String)
    -> String
  {
    "Модель ускоренного времени отказа \(model), распределение \(dist): пациентов \(n), событий \(events), логарифм правдоподобия \(loglik)."
  }
  func timeRatioColumn(_ level: String) -> String { "отношение времён (\(level) % ДИ)" }
  func aftMethod(_ level: String, _ dist: String) -> String {
    "Параметрические модели ускоренного времени отказа (survreg в R, \(dist)), отношения времён exp(β) с \(level) % границами Вальда."
  }

  func safetySentence(_ treated: Int, _ events: Int, _ any: String, _ grade3: String) -> String {
    "Безопасность: пролечено пациентов \(treated), нежелательных явлений \(events); пациентов хотя бы с одним НЯ \(any), с НЯ степени 3 и выше \(grade3)."
  }
  let anyGrade = "любая степень, пациенты (% пролеченных)"
  let grade3OrMore = "степень >= 3, пациенты (% пролеченных)"
  let organClass = "системно-органный класс"
  let aeTerm = "термин CTCAE"
  let worstGrade = "наихудшая степень"
  let patients = "пациенты (% пролеченных)"
  let safetyMethod =
    "Нежелательные явления (CTCAE v5) подсчитаны по пациентам: пациенты хотя бы с одним явлением по терминам и по системно-органным классам, любой степени и степени 3 и выше, каждый пациент один раз по наихудшей степени, в процентах от пролеченных."

  let screened = "Прошли скрининг"
  let notIncluded = "Не включены"
  let enrolled = "Включены"
  let analysed = "Анализ"
  let flowHeader = ["этап", "пациенты"]
  func flowCaption(_ screened: Int, _ enrolled: Int) -> String {
    "Движение пациентов: скрининг \(screened), включены \(enrolled)."
  }
}
