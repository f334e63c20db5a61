<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AddRoomDialog</name>
    <message>
        <location filename="../../ui/inspection/room.py" line="+315"/>
        <source>添加抽查房间</source>
        <translation>Add sampled room</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>如 305</source>
        <translation>e.g. 305</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>房间号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>楼层</source>
        <translation>Floor</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>房型</source>
        <translation>Room type</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>取消</source>
        <translation type="vanished">Cancel</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>房间 %1 已在抽查列表中</source>
        <translation>Room %1 is already sampled</translation>
    </message>
</context>
<context>
    <name>AnnotationCanvas</name>
    <message>
        <source>输入文字,回车确定</source>
        <translation type="vanished">Type the text, then press Enter</translation>
    </message>
    <message>
        <location filename="../../ui/photos/editor.py" line="+76"/>
        <source>输入文字，回车确定</source>
        <translation>Type the text, then press Enter</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>正在加载…</source>
        <translation>Loading…</translation>
    </message>
</context>
<context>
    <name>AnnotationEditor</name>
    <message>
        <location line="+130"/>
        <source>标注照片 — %1</source>
        <translation>Annotate photo — %1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>箭头</source>
        <translation>Arrow</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>圆圈</source>
        <translation>Circle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>方框</source>
        <translation>Box</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>文字</source>
        <translation>Text</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>红</source>
        <translation>Red</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>黄</source>
        <translation>Yellow</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>绿</source>
        <translation>Green</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>蓝</source>
        <translation>Blue</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>白</source>
        <translation>White</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>全部清除</source>
        <translation>Clear all</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+106"/>
        <source>保存标注</source>
        <translation>Save annotations</translation>
    </message>
    <message>
        <location line="-98"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>读取照片</source>
        <translation>Reading the photo</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>%1 个标注</source>
        <translation>Annotations: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>（未保存）</source>
        <translation> (not saved)</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>标注还没有保存。放弃这些修改吗？</source>
        <translation>The annotations are not saved yet. Discard these changes?</translation>
    </message>
    <message>
        <source>(未保存)</source>
        <translation type="vanished"> (not saved)</translation>
    </message>
    <message>
        <location line="-57"/>
        <source> · 右键点击标注可删除 · 原图不会被修改</source>
        <translation> · right-click a mark to delete it · the original photo is not changed</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>标注未保存</source>
        <translation>Annotations not saved</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>未保存的标注</source>
        <translation>Unsaved annotations</translation>
    </message>
    <message>
        <source>标注还没有保存。放弃这些修改吗?</source>
        <translation type="vanished">The annotations are not saved yet. Discard these changes?</translation>
    </message>
</context>
<context>
    <name>Autosaver</name>
    <message>
        <location filename="../../ui/inspection/autosave.py" line="+98"/>
        <source>正在保存…</source>
        <extracomment>The record being edited, as the user knows it (hotel and record number).</extracomment>
        <translation>Saving…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>未保存</source>
        <translation>Not saved</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>已保存 %1</source>
        <translation>Saved %1</translation>
    </message>
</context>
<context>
    <name>BarChart</name>
    <message>
        <location filename="../../ui/dashboard.py" line="+96"/>
        <source>没有数据</source>
        <extracomment>The half-year report&apos;s content for the same period (the satellite campaign&apos;s figures).</extracomment>
        <translation>No data</translation>
    </message>
</context>
<context>
    <name>BatchDialog</name>
    <message>
        <location filename="../../ui/printing.py" line="+389"/>
        <source>批量打印检查记录</source>
        <translation>Print inspection records in a batch</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>只打印此期间开始的检查</source>
        <translation>Only inspections started in this period</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>包括草稿（打印时带“草稿”水印）</source>
        <translation>Include drafts (printed with a &quot;draft&quot; watermark)</translation>
    </message>
    <message>
        <source>期间</source>
        <translation type="vanished">Period</translation>
    </message>
    <message>
        <source>县区</source>
        <translation type="vanished">Division</translation>
    </message>
    <message>
        <source>预览…</source>
        <translation type="vanished">Preview…</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>开始日期不能晚于结束日期。</source>
        <translation>The start date cannot be after the end date.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>正在查找…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <location line="+18"/>
        <location line="+17"/>
        <source>查找检查记录</source>
        <translation>Finding inspections</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>将打印 %1 份检查记录。</source>
        <translation>Records to print: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>没有符合条件的检查记录。</source>
        <translation>No inspection records match.</translation>
    </message>
</context>
<context>
    <name>ChangesModel</name>
    <message>
        <location filename="../../ui/import_dialog.py" line="+148"/>
        <source>行号</source>
        <translation>Row</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>酒店名称</source>
        <translation>Hotel name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>县区</source>
        <translation>Division</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>变更内容（原值 → 新值）</source>
        <translation>Changes (old → new)</translation>
    </message>
    <message>
        <source>变更内容(原值 → 新值)</source>
        <translation type="vanished">Changes (old → new)</translation>
    </message>
</context>
<context>
    <name>ComboInput</name>
    <message>
        <location filename="../../ui/inspection/inputs.py" line="+221"/>
        <source>— 请选择 —</source>
        <translation>— choose —</translation>
    </message>
</context>
<context>
    <name>ConclusionPage</name>
    <message>
        <location filename="../../ui/inspection/conclusion.py" line="+71"/>
        <source>检查发现的问题和情况说明。留空则定稿时按不合格项自动生成。</source>
        <translation>Problems found and remarks. Left empty, it is written from the failed items when you finalize.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>被检查单位对检查结果的意见</source>
        <translation>The hotel&apos;s opinion on the result</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>填入“无异议”</source>
        <translation>Fill in &quot;No objection&quot;</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>填入“对检查结果无异议。”；有不合格项时为“对检查结果无异议，将按要求整改。”</source>
        <translation>Fill in &quot;No objection to the result.&quot;; with failed items &quot;No objection to the result; we will rectify as required.&quot;</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>被检查单位在场负责人姓名</source>
        <translation>Name of the hotel&apos;s person in charge on site</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>检查情况</source>
        <translation>Findings</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>被检查单位意见</source>
        <translation>Hotel&apos;s opinion</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>被检查单位签字人</source>
        <translation>Hotel signatory</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>被检查单位拒绝签字</source>
        <translation>The inspected party refused to sign</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>被检查单位负责人拒绝签字时勾选，并记录见证人；检查记录将注明“拒绝签字”</source>
        <translation>Tick when the party&apos;s representative refuses to sign, and record a witness; the sheet will say “refused to sign”</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>见证人姓名及身份（必填）</source>
        <translation>Witness&apos;s name and role (required)</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+109"/>
        <source>见证人</source>
        <translation>Witness</translation>
    </message>
    <message>
        <location line="-101"/>
        <source>拒绝签字</source>
        <translation>Refusal to sign</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>签名</source>
        <translation>Signatures</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>默认在打印的检查记录上纸质签字（一式两份）。有手写笔、触摸屏或触摸板时，也可在此签名，签名随记录保存。</source>
        <translation>Normally both sides sign the printed record on paper (two copies). With a pen, touch screen or touchpad they can also sign here; the signatures are kept with the record.</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>记录时间 %1</source>
        <translation>Recorded %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>检查人员 %1</source>
        <translation>Inspector %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>见证人 %1</source>
        <translation>Witness %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>被检查单位 %1</source>
        <translation>Hotel %1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>手写签名…</source>
        <translation>Sign…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>清除</source>
        <translation>Clear</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>被检查单位</source>
        <translation>Hotel</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>对检查结果无异议，将按要求整改。</source>
        <translation>对检查结果无异议，将按要求整改。</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>对检查结果无异议。</source>
        <translation>No objection to the result.</translation>
    </message>
</context>
<context>
    <name>ConflictsModel</name>
    <message>
        <location filename="../../ui/sync_panel.py" line="+123"/>
        <source>记录</source>
        <translation>Record</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>现行值</source>
        <translation>Value in force</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>另一值</source>
        <translation>Other value</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>冲突时：%1</source>
        <translation>when found: %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>待下次同步</source>
        <translation>Sent at next sync</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>待处理</source>
        <translation>To resolve</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../ui/dashboard.py" line="+98"/>
        <source>试点酒店</source>
        <translation>Pilot hotels</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>全部酒店</source>
        <translation>All hotels</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>统计范围:</source>
        <translation type="vanished">Count:</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>导出报告</source>
        <translation>Export report</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>把本期间的工作情况（两项整治的报告用语和统计表）存为 Word 或 PDF</source>
        <translation>Save this period&apos;s work report (both campaigns&apos; sentences and tables) as Word or PDF</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>统计范围：</source>
        <translation>Count:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>统计期间：</source>
        <translation>Period:</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>各县区电视模式</source>
        <translation>TV mode by division</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>按电视模式</source>
        <translation>By TV mode</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>整改状态</source>
        <translation>Remediation status</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>通知编号</source>
        <translation>Notice no.</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>酒店</source>
        <translation>Hotel</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>整改期限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>逾期天数</source>
        <translation>Days overdue</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>逾期未整改</source>
        <translation>Overdue notices</translation>
    </message>
    <message>
        <location line="+144"/>
        <location line="+2"/>
        <location line="+32"/>
        <source>复制</source>
        <translation>Copy</translation>
    </message>
    <message>
        <location line="-171"/>
        <source>报告用语</source>
        <translation>Report sentence</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>统计</source>
        <translation>Counting</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>共 %1 家试点酒店；未结整改通知 %2 份，其中逾期 %3 份；已定稿检查 %4 次</source>
        <translation>%1 pilot hotels; %2 open notices, %3 overdue; %4 finalized inspections</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>共 %1 家酒店；未结整改通知 %2 份，其中逾期 %3 份；已定稿检查 %4 次</source>
        <translation>%1 hotels; %2 open notices, %3 overdue; %4 finalized inspections</translation>
    </message>
    <message>
        <source>共 %1 家试点酒店;开放整改通知 %2 份,其中逾期 %3 份;已定稿检查 %4 次</source>
        <translation type="vanished">%1 pilot hotels; %2 open notices, %3 overdue; %4 finalized inspections</translation>
    </message>
    <message>
        <source>共 %1 家酒店;开放整改通知 %2 份,其中逾期 %3 份;已定稿检查 %4 次</source>
        <translation type="vanished">%1 hotels; %2 open notices, %3 overdue; %4 finalized inspections</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+1"/>
        <source>合计</source>
        <translation>Total</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>逾期未整改 (%1)</source>
        <translation>Overdue notices (%1)</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>已复制</source>
        <translation>Copied</translation>
    </message>
</context>
<context>
    <name>Dialog</name>
    <message>
        <location filename="../../ui/dialog_parts.py" line="+32"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>DraftsDialog</name>
    <message>
        <source>打开草稿</source>
        <extracomment>The window never gets smaller than this: it fits a 1366×768 screen with a taskbar and title bar.</extracomment>
        <translation type="vanished">Open draft</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="+70"/>
        <source>今天</source>
        <extracomment>The window never gets smaller than this: it fits a 1366×768 screen with a taskbar and title bar.</extracomment>
        <translation>today</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>昨天</source>
        <translation>yesterday</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 天前</source>
        <translation>%1 days ago</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>草稿</source>
        <translation>Drafts</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>未定稿的检查记录。久未完成的草稿请继续填写或放弃。</source>
        <translation>Inspection records not yet finalized. Continue or discard drafts left unfinished for long.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>记录编号</source>
        <translation>Record no.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>酒店</source>
        <translation>Hotel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>县区</source>
        <translation>Division</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>开始时间</source>
        <translation>Started</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>已有</source>
        <translation>Age</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>房间</source>
        <translation>Rooms</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>没有未定稿的检查。</source>
        <translation>There are no draft inspections.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>继续草稿</source>
        <translation>Continue draft</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>放弃草稿…</source>
        <translation>Discard draft…</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>读取草稿</source>
        <translation>Reading drafts</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>放弃草稿</source>
        <translation>Discard draft</translation>
    </message>
</context>
<context>
    <name>EmptyState</name>
    <message>
        <location filename="../../ui/registry.py" line="+119"/>
        <source>还没有酒店</source>
        <translation>No hotels yet</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>导入各县区报送的酒店名单（Excel 或 CSV 表格），或从局里的服务器同步名册。
想先试用本程序，可打开演示数据：它在单独的窗口和数据目录中，不会混入正式数据。</source>
        <translation>Import the hotel lists the districts sent (Excel or CSV), or sync the register from the bureau&apos;s server.
To try the program first, open the demo data: it lives in its own window and data folder and never mixes with real data.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>从服务器同步…</source>
        <translation>Sync from server…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>打开演示数据</source>
        <translation>Open demo data</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>在单独的“演示”窗口中打开虚构的演示数据，不影响正式数据</source>
        <translation>Open the fictional demo data in a separate &quot;Demo&quot; window; real data is not touched</translation>
    </message>
    <message>
        <source>导入各县区报送的酒店名单(Excel 或 CSV 表格),
或先载入演示数据试用本程序(35家试点酒店)。</source>
        <translation type="vanished">Import the hotel lists the divisions sent in (Excel or CSV),
or load the demo data to try the program (35 pilot hotels).</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>导入酒店名单…</source>
        <translation>Import hotel list…</translation>
    </message>
    <message>
        <source>载入演示数据</source>
        <translation type="vanished">Load demo data</translation>
    </message>
</context>
<context>
    <name>ExtendNoticeDialog</name>
    <message>
        <location filename="../../ui/inspection/notice.py" line="+261"/>
        <source>整改通知延期 — %1</source>
        <translation>Extend notice deadline — %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>已下发的整改通知书不能修改。延期将生成该通知书的新版本（新的校验码），原版本作废并保留在记录中。原整改期限：%1</source>
        <translation>An issued notice cannot be edited. Extending makes a new version of the notice (with a new verification code); the old version is superseded and kept on record. Current deadline: %1</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>例如：酒店申请，设备到货延迟</source>
        <translation>e.g. requested by the hotel, equipment delivery delayed</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>新的整改期限</source>
        <translation>New deadline</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>复查日期</source>
        <translation>Re-inspection date</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>延期理由</source>
        <translation>Reason for the extension</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>生成延期通知</source>
        <translation>Issue extended notice</translation>
    </message>
    <message>
        <source>取消</source>
        <translation type="vanished">Cancel</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../ui/inspection/undo.py" line="+95"/>
        <source>历史：%1</source>
        <translation>History: %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>填写人</source>
        <translation>By</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>回答</source>
        <translation>Answer</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>此项还没有填写过。</source>
        <translation>This item has not been answered yet.</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <location filename="../../ui/registry.py" line="+43"/>
        <location line="+75"/>
        <source>检查记录</source>
        <translation>Inspections</translation>
    </message>
    <message>
        <source>在上面的列表中选择一家酒店,这里显示它的检查记录。</source>
        <translation type="vanished">Select a hotel in the list above to see its inspections here.</translation>
    </message>
    <message>
        <location line="-70"/>
        <location line="+67"/>
        <source>在上面的列表中选择一家酒店，这里显示它的检查记录。</source>
        <translation>Select a hotel in the list above to see its inspections here.</translation>
    </message>
    <message>
        <location line="-54"/>
        <source>记录编号</source>
        <translation>Record no.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>检查时间</source>
        <translation>Inspected</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>房间</source>
        <translation>Rooms</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>打开记录</source>
        <translation>Open record</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>复查</source>
        <translation>Re-inspect</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>按整改通知进行复查</source>
        <translation>Re-inspect against the rectification notice</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>新建检查</source>
        <translation>New inspection</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>打印选中的检查记录 (Ctrl+P)</source>
        <translation>Print the selected inspection record (Ctrl+P)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>放弃草稿…</source>
        <translation>Discard draft…</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>检查记录 — %1</source>
        <translation>Inspections — %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>已定稿</source>
        <translation>Finalized</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>草稿</source>
        <translation>Draft</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>（已更正）</source>
        <translation> (corrected)</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>整改通知 %1，期限 %2</source>
        <translation>Rectification notice %1, deadline %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>，已逾期，应尽快复查</source>
        <translation> — overdue, re-inspect soon</translation>
    </message>
    <message>
        <source>(已更正)</source>
        <translation type="vanished"> (corrected)</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>这家酒店还没有检查记录。</source>
        <translation>This hotel has not been inspected yet.</translation>
    </message>
    <message>
        <source>整改通知 %1,期限 %2</source>
        <translation type="vanished">Rectification notice %1, deadline %2</translation>
    </message>
    <message>
        <source>,已逾期,应尽快复查</source>
        <translation type="vanished"> — overdue, re-inspect soon</translation>
    </message>
</context>
<context>
    <name>HotelFormDialog</name>
    <message>
        <location filename="../../ui/hotel_form.py" line="+60"/>
        <source>新增酒店</source>
        <translation>Add hotel</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>编辑酒店 — %1</source>
        <translation>Edit hotel — %1</translation>
    </message>
    <message>
        <source>18位,如 91530502MA6K000000</source>
        <translation type="vanished">18 characters, e.g. 91530502MA6K000000</translation>
    </message>
    <message>
        <source>(未填)</source>
        <translation type="vanished">(not given)</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>无星级</source>
        <translation>No stars</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>一星</source>
        <translation>1 star</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>二星</source>
        <translation>2 stars</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>三星</source>
        <translation>3 stars</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>四星</source>
        <translation>4 stars</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>五星</source>
        <translation>5 stars</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>如 云南广电网络有线电视、中国电信IPTV</source>
        <translation>e.g. Yunnan cable TV, China Telecom IPTV</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>手机或 0875-2123456</source>
        <translation>Mobile or 0875-2123456</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>列入试点</source>
        <translation>Pilot hotel</translation>
    </message>
    <message>
        <source>(未设定)</source>
        <translation type="vanished">(not set)</translation>
    </message>
    <message>
        <location line="-22"/>
        <source>18位，如 91530502MA6K000000</source>
        <translation>18 characters, e.g. 91530502MA6K000000</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+92"/>
        <source>（未填）</source>
        <translation>(not given)</translation>
    </message>
    <message>
        <location line="-69"/>
        <source>（未设定）</source>
        <translation>(not set)</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>基本信息</source>
        <translation>Hotel</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>电视与联系人</source>
        <translation>TV and contacts</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>酒店名称 *</source>
        <translation>Name *</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>所属县区 *</source>
        <translation>Division *</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>场所类型</source>
        <translation>Site kind</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>统一社会信用代码</source>
        <translation>Credit code</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>星级</source>
        <translation>Star class</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>客房数</source>
        <translation>Rooms</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>电视数</source>
        <translation>TV sets</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>电视系统/运营商</source>
        <translation>TV system / provider</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>当前模式</source>
        <translation>Current mode</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>目标模式</source>
        <translation>Target mode</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>试点</source>
        <translation>Pilot</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>联系人</source>
        <translation>Contact</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>负责人</source>
        <translation>Person in charge</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location line="+169"/>
        <source>保存酒店</source>
        <translation>Saving the hotel</translation>
    </message>
</context>
<context>
    <name>HotelMergeDialog</name>
    <message>
        <location filename="../../ui/hotel_merge_dialog.py" line="+127"/>
        <source>合并疑似重复的酒店</source>
        <translation>Merge suspected duplicate hotels</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>保留酒店一，并入酒店二</source>
        <translation>Keep hotel 1, merge hotel 2 into it</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>酒店一</source>
        <translation>Hotel 1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>保留酒店二，并入酒店一</source>
        <translation>Keep hotel 2, merge hotel 1 into it</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>酒店二</source>
        <translation>Hotel 2</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>同一家酒店被录入了两次时，选择保留哪一条：另一条的检查记录和整改通知归入保留的酒店，两者的历史都保留，合并会在下次同步时发送。</source>
        <translation>When one hotel was entered twice, choose which record stays: the other one&apos;s inspections and rectification notices move to it, both histories are kept, and the merge is sent at the next sync.</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>查找疑似重复的酒店</source>
        <translation>Looking for suspected duplicate hotels</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>没有疑似重复的酒店。</source>
        <translation>No suspected duplicate hotels.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>无地址</source>
        <translation>no address</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>保留“%1”（%2，%3），把“%4”（%5，%6）并入它？</source>
        <translation>Keep “%1” (%2, %3) and merge “%4” (%5, %6) into it?</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>“%1”（%2）的检查记录 %3 份、整改通知 %4 份将归入保留的酒店，它的登记信息只补充保留的酒店缺少的项目，然后作为已合并的记录留存。合并在下次同步时发送。</source>
        <translation>The %3 inspections and %4 rectification notices of “%1” (%2) move to the hotel that stays; its register entry only fills in what the hotel that stays lacks, and is then kept as a merged record. The merge is sent at the next sync.</translation>
    </message>
    <message>
        <location line="+14"/>
        <location line="+45"/>
        <source>合并酒店</source>
        <translation>Merge hotels</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>已把“%1”（%2）并入“%3”（%4）：检查记录 %5 份，整改通知 %6 份归入保留的酒店。</source>
        <translation>Merged “%1” (%2) into “%3” (%4): %5 inspections and %6 rectification notices now belong to the hotel that stays.</translation>
    </message>
    <message>
        <source>把“%1”并入“%2”？</source>
        <translation type="vanished">Merge “%1” into “%2”?</translation>
    </message>
    <message>
        <location line="-25"/>
        <source>合并</source>
        <translation>Merge</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>请先在列表中选择一对酒店。</source>
        <translation>Select a pair of hotels in the list first.</translation>
    </message>
    <message>
        <source>已把“%1”并入“%2”：检查记录 %3 条，整改通知 %4 份归入保留的酒店。</source>
        <translation type="vanished">Merged “%1” into “%2”: %3 inspections and %4 rectification notices now belong to the hotel that stays.</translation>
    </message>
</context>
<context>
    <name>HotelSide</name>
    <message>
        <location line="-165"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>县区</source>
        <translation>Division</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>统一社会信用代码</source>
        <translation>Credit code</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>记录</source>
        <translation>Records</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>检查记录 %1 份，整改通知 %2 份</source>
        <translation>%1 inspections, %2 rectification notices</translation>
    </message>
</context>
<context>
    <name>HotelTableModel</name>
    <message>
        <location filename="../../ui/hotel_table_model.py" line="+62"/>
        <source>县区</source>
        <translation>Division</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>酒店名称</source>
        <translation>Hotel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>试点</source>
        <translation>Pilot</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>电视系统</source>
        <translation>TV system</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>目标模式</source>
        <translation>Target mode</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>当前模式</source>
        <translation>Current mode</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>整改状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>最近检查</source>
        <translation>Last inspection</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>整改期限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <location line="+157"/>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1（已逾期）</source>
        <translation>%1 (overdue)</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>整改期限已过，需要复查</source>
        <translation>The deadline has passed; re-inspect</translation>
    </message>
    <message>
        <source>%1(已逾期)</source>
        <translation type="vanished">%1 (overdue)</translation>
    </message>
    <message>
        <location line="-32"/>
        <source>%1 逾期%2天</source>
        <translation>%1, %2 days overdue</translation>
    </message>
    <message>
        <source>整改期限已过,需要复查</source>
        <translation type="vanished">The deadline has passed; re-inspect</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>表格文件 (*.xlsx *.xlsm *.csv *.tsv *.txt)</source>
        <translation type="vanished">Spreadsheets (*.xlsx *.xlsm *.csv *.tsv *.txt)</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="-78"/>
        <location line="+244"/>
        <source>新增</source>
        <translation>New</translation>
    </message>
    <message>
        <location line="-243"/>
        <location line="+244"/>
        <source>更新</source>
        <translation>Update</translation>
    </message>
    <message>
        <location line="-243"/>
        <location line="+244"/>
        <source>无变化</source>
        <translation>Unchanged</translation>
    </message>
    <message>
        <location line="-190"/>
        <source>是</source>
        <translation>yes</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>否</source>
        <translation>no</translation>
    </message>
    <message>
        <location line="+136"/>
        <location line="+308"/>
        <source>导入酒店名单</source>
        <translation>Import hotel list</translation>
    </message>
    <message>
        <source>选择各县区报送的酒店名单(.xlsx 或 .csv)。第一行可以是标题,程序会自动找到表头;
必需的列:酒店名称、所属县区。导入前会先显示将要新增和更新的酒店,以及有问题的行。</source>
        <translation type="vanished">Choose a hotel list sent in by a division (.xlsx or .csv). Title rows above the header are fine;
required columns: 酒店名称 (hotel name) and 所属县区 (division). Before anything is written you see
which hotels will be added or updated and which rows have problems.</translation>
    </message>
    <message>
        <location line="-286"/>
        <source>选择文件…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <source>拒绝(行)</source>
        <translation type="vanished">Refused (rows)</translation>
    </message>
    <message>
        <location line="-221"/>
        <source>表格文件 (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv *.txt)</source>
        <translation>Spreadsheets (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv *.txt)</translation>
    </message>
    <message>
        <location line="+216"/>
        <source>选择各县区报送的酒店名单（.xlsx 或 .csv）。第一行可以是标题，程序会自动找到表头；
必需的列：酒店名称、所属县区。导入前会先显示将要新增和更新的酒店，以及有问题的行。</source>
        <translation>Choose a hotel list sent in by a division (.xlsx or .csv). Title rows above the header are fine;
required columns: 酒店名称 (hotel name) and 所属县区 (division). Before anything is written you see
which hotels will be added or updated and which rows have problems.</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>拒绝（行）</source>
        <translation>Refused (rows)</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>程序字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>表格中的列</source>
        <translation>Column in the sheet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>将要变更</source>
        <translation>Changes</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>拒绝的行</source>
        <translation>Refused rows</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>列对应</source>
        <translation>Columns</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>无法导入这个文件</source>
        <translation>This file cannot be imported</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>选择其他文件…</source>
        <translation>Choose another file…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location line="+36"/>
        <location line="+179"/>
        <source>选择酒店名单</source>
        <translation>Choose a hotel list</translation>
    </message>
    <message>
        <location line="-167"/>
        <source>正在读取并比对 %1 …</source>
        <translation>Reading and comparing %1 …</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>读取酒店名单</source>
        <translation>Reading the hotel list</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>文件：%1 — 共 %2 行数据</source>
        <translation>File: %1 — %2 data rows</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>拒绝的行不会导入；请在表格中改正后再导入一次。</source>
        <translation>Refused rows are not imported; correct them in the sheet and import it again.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>（表格中没有）</source>
        <translation>(not in the sheet)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>（未使用）</source>
        <translation>(not used)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>缺少必需的列：%1</source>
        <translation>Required columns missing: %1</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>导入完成：新增 %1 家，更新 %2 家，无变化 %3 家；拒绝 %4 行。</source>
        <translation>Imported: %1 new, %2 updated, %3 unchanged; %4 rows refused.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>导入未完成，数据库没有改动。</source>
        <translation>The import did not finish; the database is unchanged.</translation>
    </message>
    <message>
        <source>文件:%1 — 共 %2 行数据</source>
        <translation type="vanished">File: %1 — %2 data rows</translation>
    </message>
    <message>
        <location line="-97"/>
        <source>将要变更 (%1)</source>
        <translation>Changes (%1)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>拒绝的行 (%1)</source>
        <translation>Refused rows (%1)</translation>
    </message>
    <message>
        <source>拒绝的行不会导入;请在表格中改正后再导入一次。</source>
        <translation type="vanished">Refused rows are not imported; correct them in the sheet and import it again.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>没有需要导入的变更。</source>
        <translation>Nothing to import.</translation>
    </message>
    <message>
        <source>(表格中没有)</source>
        <translation type="vanished">(not in the sheet)</translation>
    </message>
    <message>
        <source>(未使用)</source>
        <translation type="vanished">(not used)</translation>
    </message>
    <message>
        <source>缺少必需的列:%1</source>
        <translation type="vanished">Required columns missing: %1</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>正在导入…</source>
        <translation>Importing…</translation>
    </message>
    <message>
        <source>导入完成:新增 %1 家,更新 %2 家,无变化 %3 家;拒绝 %4 行。</source>
        <translation type="vanished">Imported: %1 new, %2 updated, %3 unchanged; %4 rows refused.</translation>
    </message>
    <message>
        <source>导入未完成,数据库没有改动。</source>
        <translation type="vanished">The import did not finish; the database is unchanged.</translation>
    </message>
</context>
<context>
    <name>Inspection</name>
    <message>
        <location filename="../../ui/inspection/__init__.py" line="+60"/>
        <source>开始检查：选择检查人员</source>
        <translation>Start inspection: choose the inspectors</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>复查：选择检查人员</source>
        <translation>Re-inspection: choose the inspectors</translation>
    </message>
    <message>
        <location filename="../../ui/inspection/inputs.py" line="+128"/>
        <location filename="../../ui/inspection/texts.py" line="+42"/>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location line="+0"/>
        <location filename="../../ui/inspection/texts.py" line="+1"/>
        <source>否</source>
        <translation>No</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../../ui/inspection/texts.py" line="+1"/>
        <source>不适用</source>
        <translation>N/A</translation>
    </message>
    <message>
        <source>标准间</source>
        <translation type="vanished">Standard room</translation>
    </message>
    <message>
        <source>大床房</source>
        <translation type="vanished">King room</translation>
    </message>
    <message>
        <source>双床房</source>
        <translation type="vanished">Twin room</translation>
    </message>
    <message>
        <source>套房</source>
        <translation type="vanished">Suite</translation>
    </message>
    <message>
        <source>家庭房</source>
        <translation type="vanished">Family room</translation>
    </message>
    <message>
        <source>其他</source>
        <translation type="vanished">Other</translation>
    </message>
    <message>
        <location filename="../../ui/inspection/texts.py" line="-5"/>
        <source>未填</source>
        <translation>Not answered</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>%1 秒</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>酒店</source>
        <translation>Hotel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 房</source>
        <translation>Room %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>未评定</source>
        <translation>Not rated</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>至少需要 %1 名检查人员</source>
        <translation>At least %1 inspectors are needed</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>还需抽查 %1 间客房</source>
        <translation>Rooms still to sample: %1</translation>
    </message>
    <message>
        <source>至少需要两名检查人员</source>
        <translation type="vanished">At least two inspectors are needed</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>勾选“已出示执法证件”</source>
        <translation>Tick &quot;Enforcement IDs shown&quot;</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>填写被检查单位意见</source>
        <translation>Fill in the hotel&apos;s opinion</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>填写被检查单位签字人</source>
        <translation>Fill in the hotel&apos;s signatory</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>填写拒绝签字的见证人姓名</source>
        <translation>enter the name of the witness to the refusal to sign</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1“%2”不合格：须附照片或写明无法拍照的理由</source>
        <translation>%1 “%2” failed: attach a photo or write why none could be taken</translation>
    </message>
    <message>
        <location filename="../../ui/inspection/undo.py" line="-12"/>
        <source>（清空）</source>
        <translation>(cleared)</translation>
    </message>
</context>
<context>
    <name>InspectionActions</name>
    <message>
        <source>还需抽查 %1 间客房</source>
        <translation type="vanished">Rooms still to sample: %1</translation>
    </message>
    <message>
        <location filename="../../ui/inspection/controller.py" line="+60"/>
        <source>还有 %1 项未填写（见右侧列表）</source>
        <translation>Unanswered items: %1 (see the list on the right)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>还不能定稿</source>
        <translation>Not ready to finalize</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>定稿前还需完成：</source>
        <translation>Before finalizing:</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>检查结果：%1</source>
        <translation>Result: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>（%1 项不合格）</source>
        <translation> (failed items: %1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>定稿后本记录不能再修改；如需修改，只能“更正”生成新版本。确定定稿吗？</source>
        <translation>Once finalized, this record cannot be changed; a change then needs a correction, which makes a new version. Finalize now?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>定稿</source>
        <translation>Finalize</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+69"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="-52"/>
        <source>下发整改通知</source>
        <translation>Issue rectification notice</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>检查结果为不合格。现在下发整改通知书吗？</source>
        <translation>The inspection failed. Issue the rectification notice now?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>下发整改通知…</source>
        <translation>Issue notice…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>以后再说</source>
        <translation>Later</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>已下发整改通知 %1</source>
        <translation>Notice issued: %1</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>已生成整改通知 %1 的延期版本，新期限 %2</source>
        <translation>Issued an extended version of notice %1, new deadline %2</translation>
    </message>
    <message>
        <location line="+17"/>
        <location line="+2"/>
        <source>更正</source>
        <translation>Correct</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>将生成本记录的更正版本（草稿），原记录保持不变，两者都保留在版本记录中。继续吗？</source>
        <translation>This makes a corrected version of the record (a draft); the original stays unchanged and both are kept in the versions. Continue?</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>草稿打印件带“草稿”水印，不是正式记录。</source>
        <translation>A printed draft carries a &quot;draft&quot; watermark; it is not an official record.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>打印</source>
        <translation>Print</translation>
    </message>
</context>
<context>
    <name>InspectionHeader</name>
    <message>
        <location filename="../../ui/inspection/header.py" line="+83"/>
        <source>检查人员：</source>
        <extracomment>What an empty time field holds (shown as its special text: 未填 / 定稿时自动填写).</extracomment>
        <translation>Inspectors:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>更改…</source>
        <translation>Change…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>已出示执法证件</source>
        <translation>Enforcement IDs shown</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+3"/>
        <location line="+11"/>
        <source>未填</source>
        <translation>Not answered</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>现场联系人</source>
        <translation>On-site contact</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>定稿时自动填写</source>
        <translation>Set on finalizing</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>开始</source>
        <translation>Start</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>结束</source>
        <translation>End</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>（更正版）</source>
        <translation> (corrected version)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>记录编号 %1</source>
        <translation>Record no. %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>已定稿，已被更正</source>
        <translation>Finalized, since corrected</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>草稿 · 自动保存</source>
        <translation>Draft · saved automatically</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>已定稿 %1</source>
        <translation>Finalized %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>未选</source>
        <translation>None chosen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>复查整改通知 %1</source>
        <translation>Re-inspecting notice %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>已下发整改通知 %1</source>
        <translation>Notice issued: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>整改中</source>
        <translation>open</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>已关闭</source>
        <translation>closed</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>已被新通知取代</source>
        <translation>replaced by a newer notice</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1（期限 %2，%3）</source>
        <translation>%1 (deadline %2, %3)</translation>
    </message>
</context>
<context>
    <name>InspectionWindow</name>
    <message>
        <location filename="../../ui/inspection/window.py" line="+159"/>
        <source>正在打开检查记录…</source>
        <extracomment>Where the inspection windows&apos; size and place are kept (QSettings: window state, not data).</extracomment>
        <translation>Opening the inspection record…</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>新建检查记录</source>
        <translation>New inspection record</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>正在创建检查记录…</source>
        <translation>Creating the inspection record…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>检查记录</source>
        <translation>Inspection record</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>每项修改都会自动保存，无需保存按钮。</source>
        <translation>Every change is saved as you make it; there is no Save button.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>此记录已定稿，只能查看；它的更正版本在“版本记录”中。</source>
        <translation>This record is finalized and read-only; its correction is under “Versions”.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>此记录已定稿，只能查看；如需修改请用“更正…”。</source>
        <translation>This record is finalized and read-only; use &quot;Correct…&quot; to change it.</translation>
    </message>
    <message>
        <source>酒店情况</source>
        <translation type="vanished">Hotel</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>结论与签字</source>
        <translation>Conclusion and signatures</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>+ 添加房间</source>
        <translation>+ Add room</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>添加抽查房间 （Ctrl+R）</source>
        <translation>Add a sampled room (Ctrl+R)</translation>
    </message>
    <message>
        <location line="+89"/>
        <source>关闭提示</source>
        <translation>Dismiss</translation>
    </message>
    <message>
        <source>检查人员：</source>
        <translation type="vanished">Inspectors:</translation>
    </message>
    <message>
        <source>更改…</source>
        <translation type="vanished">Change…</translation>
    </message>
    <message>
        <source>已出示执法证件</source>
        <translation type="vanished">Enforcement IDs shown</translation>
    </message>
    <message>
        <source>未填</source>
        <translation type="vanished">Not given</translation>
    </message>
    <message>
        <source>现场联系人</source>
        <translation type="vanished">On-site contact</translation>
    </message>
    <message>
        <source>电话</source>
        <translation type="vanished">Phone</translation>
    </message>
    <message>
        <source>定稿时自动填写</source>
        <translation type="vanished">Set on finalizing</translation>
    </message>
    <message>
        <source>开始</source>
        <translation type="vanished">Start</translation>
    </message>
    <message>
        <source>结束</source>
        <translation type="vanished">End</translation>
    </message>
    <message>
        <source>检查发现的问题和情况说明。留空则定稿时按不合格项自动生成。</source>
        <translation type="vanished">Problems found and remarks. Left empty, it is written from the failed items when you finalize.</translation>
    </message>
    <message>
        <source>被检查单位对检查结果的意见</source>
        <translation type="vanished">The hotel&apos;s opinion on the result</translation>
    </message>
    <message>
        <source>填入“无异议”</source>
        <translation type="vanished">Fill in &quot;No objection&quot;</translation>
    </message>
    <message>
        <source>填入：对检查结果无异议，将按要求整改。</source>
        <translation type="vanished">Fills in the hotel&apos;s statement in Chinese, as the form needs: 对检查结果无异议，将按要求整改。 (no objection to the result; will fix as required)</translation>
    </message>
    <message>
        <source>填入“对检查结果无异议。”；有不合格项时为“对检查结果无异议，将按要求整改。”</source>
        <translation type="vanished">Fill in &quot;No objection to the result.&quot;; with failed items &quot;No objection to the result; we will rectify as required.&quot;</translation>
    </message>
    <message>
        <source>被检查单位在场负责人姓名</source>
        <translation type="vanished">Name of the hotel&apos;s person in charge on site</translation>
    </message>
    <message>
        <source>检查情况</source>
        <translation type="vanished">Findings</translation>
    </message>
    <message>
        <source>被检查单位意见</source>
        <translation type="vanished">Hotel&apos;s opinion</translation>
    </message>
    <message>
        <source>被检查单位签字人</source>
        <translation type="vanished">Hotel signatory</translation>
    </message>
    <message>
        <source>被检查单位拒绝签字</source>
        <translation type="vanished">The inspected party refused to sign</translation>
    </message>
    <message>
        <source>被检查单位负责人拒绝签字时勾选，并记录见证人；检查记录将注明“拒绝签字”</source>
        <translation type="vanished">Tick when the party&apos;s representative refuses to sign, and record a witness; the sheet will say “refused to sign”</translation>
    </message>
    <message>
        <source>见证人姓名及身份（必填）</source>
        <translation type="vanished">Witness&apos;s name and role (required)</translation>
    </message>
    <message>
        <source>见证人</source>
        <translation type="vanished">Witness</translation>
    </message>
    <message>
        <source>拒绝签字</source>
        <translation type="vanished">Refusal to sign</translation>
    </message>
    <message>
        <source>签名</source>
        <translation type="vanished">Signatures</translation>
    </message>
    <message>
        <source>默认在打印的检查记录上纸质签字（一式两份）。有手写笔、触摸屏或触摸板时，也可在此签名，签名随记录保存。</source>
        <translation type="vanished">Normally both sides sign the printed record on paper (two copies). With a pen, touch screen or touchpad they can also sign here; the signatures are kept with the record.</translation>
    </message>
    <message>
        <source>定稿…</source>
        <translation type="vanished">Finalize…</translation>
    </message>
    <message>
        <source>检查完成后定稿；定稿后记录不能再修改</source>
        <translation type="vanished">Finalize when the inspection is done; a finalized record cannot be changed</translation>
    </message>
    <message>
        <source>下发整改通知…</source>
        <translation type="vanished">Issue notice…</translation>
    </message>
    <message>
        <source>更正…</source>
        <translation type="vanished">Correct…</translation>
    </message>
    <message>
        <source>生成一个更正版本（草稿）；原记录保持不变，两者都留在历史中</source>
        <translation type="vanished">Make a corrected version (a draft); the original stays unchanged and both stay in the history</translation>
    </message>
    <message>
        <source>放弃草稿…</source>
        <translation type="vanished">Discard draft…</translation>
    </message>
    <message>
        <source>不再保留这份草稿（记录作废并同步；审计记录中仍保留）</source>
        <translation type="vanished">Stop keeping this draft (it is voided and the voiding syncs; the audit log keeps it)</translation>
    </message>
    <message>
        <source>手机拍照…</source>
        <translation type="vanished">Photos from phone…</translation>
    </message>
    <message>
        <source>显示二维码：用手机拍照，照片直接传到本检查记录（手机与电脑在同一网络）</source>
        <translation type="vanished">Show a QR code: take photos with your phone and they go straight into this record (phone and laptop on the same network)</translation>
    </message>
    <message>
        <source>打印…</source>
        <translation type="vanished">Print…</translation>
    </message>
    <message>
        <source>打印现场检查记录（Ctrl+P）；草稿打印时带“草稿”水印</source>
        <translation type="vanished">Print the inspection record (Ctrl+P); a draft prints with a &quot;draft&quot; watermark</translation>
    </message>
    <message>
        <source>打印整改通知书…</source>
        <translation type="vanished">Print notice…</translation>
    </message>
    <message>
        <source>打印本次检查下发的整改通知书（含送达回证）</source>
        <translation type="vanished">Print the rectification notice issued after this inspection (with its receipt)</translation>
    </message>
    <message>
        <source>整改延期…</source>
        <translation type="vanished">Extend deadline…</translation>
    </message>
    <message>
        <source>延长整改期限：生成整改通知书的新版本（已下发的通知书不能修改）</source>
        <translation type="vanished">Extend the deadline: issues a new version of the notice (an issued notice cannot be edited)</translation>
    </message>
    <message>
        <location line="+73"/>
        <location line="+122"/>
        <source>%1 房</source>
        <translation>Room %1</translation>
    </message>
    <message>
        <location line="-114"/>
        <source>%1 %2 — 检查记录</source>
        <translation>%1 %2 — Inspection record</translation>
    </message>
    <message>
        <source>（更正版）</source>
        <translation type="vanished"> (corrected version)</translation>
    </message>
    <message>
        <source>记录编号 %1</source>
        <translation type="vanished">Record no. %1</translation>
    </message>
    <message>
        <source>已定稿，已被更正</source>
        <translation type="vanished">Finalized, since corrected</translation>
    </message>
    <message>
        <source>草稿 · 自动保存</source>
        <translation type="vanished">Draft · saved automatically</translation>
    </message>
    <message>
        <source>已定稿 %1</source>
        <translation type="vanished">Finalized %1</translation>
    </message>
    <message>
        <source>、</source>
        <translation type="vanished">, </translation>
    </message>
    <message>
        <source>%1（%2）</source>
        <translation type="vanished">%1 (%2)</translation>
    </message>
    <message>
        <source>未选</source>
        <translation type="vanished">None chosen</translation>
    </message>
    <message>
        <source>复查整改通知 %1</source>
        <translation type="vanished">Re-inspecting notice %1</translation>
    </message>
    <message>
        <source>已下发整改通知 %1</source>
        <translation type="vanished">Notice issued: %1</translation>
    </message>
    <message>
        <source>整改中</source>
        <translation type="vanished">open</translation>
    </message>
    <message>
        <source>已关闭</source>
        <translation type="vanished">closed</translation>
    </message>
    <message>
        <source>已被新通知取代</source>
        <translation type="vanished">replaced by a newer notice</translation>
    </message>
    <message>
        <source>%1（期限 %2，%3）</source>
        <translation type="vanished">%1 (deadline %2, %3)</translation>
    </message>
    <message>
        <source>版本记录（%1）</source>
        <translation type="vanished">Versions (%1)</translation>
    </message>
    <message>
        <source>草稿</source>
        <translation type="vanished">Draft</translation>
    </message>
    <message>
        <source>已定稿</source>
        <translation type="vanished">Finalized</translation>
    </message>
    <message>
        <source>第 %1 版 · %2 · %3</source>
        <translation type="vanished">Version %1 · %2 · %3</translation>
    </message>
    <message>
        <source>（已被更正）</source>
        <translation type="vanished"> (corrected)</translation>
    </message>
    <message>
        <source>检查人员 %1</source>
        <translation type="vanished">Inspector %1</translation>
    </message>
    <message>
        <source>见证人 %1</source>
        <translation type="vanished">Witness %1</translation>
    </message>
    <message>
        <source>被检查单位 %1</source>
        <translation type="vanished">Hotel %1</translation>
    </message>
    <message>
        <source>手写签名…</source>
        <translation type="vanished">Sign…</translation>
    </message>
    <message>
        <source>清除</source>
        <translation type="vanished">Clear</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>该房间已删除，无法撤销。</source>
        <translation>That room was removed; the answer cannot be undone.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>没有可撤销的回答。</source>
        <translation>No answer to undo.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>已撤销上一次回答（Ctrl+Shift+Z 恢复）。</source>
        <translation>Last answer undone (Ctrl+Shift+Z redoes it).</translation>
    </message>
    <message>
        <source>记录时间 %1</source>
        <translation type="vanished">Recorded %1</translation>
    </message>
    <message>
        <source>对检查结果无异议，将按要求整改。</source>
        <translation type="vanished">对检查结果无异议，将按要求整改。</translation>
    </message>
    <message>
        <source>对检查结果无异议。</source>
        <translation type="vanished">No objection to the result.</translation>
    </message>
    <message>
        <location line="+103"/>
        <source>请先切换到要计时的房间。</source>
        <translation>Switch to the room you are timing first.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>删除房间</source>
        <translation>Remove room</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>从抽查列表中删除 %1 房（已填 %2 项）吗？</source>
        <translation>Remove room %1 from the sampled rooms? (Items answered: %2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>删除</source>
        <translation>Remove</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>更改检查人员</source>
        <translation>Change the inspectors</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>被检查单位</source>
        <translation type="vanished">Hotel</translation>
    </message>
    <message>
        <source>还需抽查 %1 间客房</source>
        <translation type="vanished">Rooms still to sample: %1</translation>
    </message>
    <message>
        <source>还有 %1 项未填写（见右侧列表）</source>
        <translation type="vanished">Unanswered items: %1 (see the list on the right)</translation>
    </message>
    <message>
        <source>还不能定稿</source>
        <translation type="vanished">Not ready to finalize</translation>
    </message>
    <message>
        <source>定稿前还需完成：</source>
        <translation type="vanished">Before finalizing:</translation>
    </message>
    <message>
        <source>检查结果：%1</source>
        <translation type="vanished">Result: %1</translation>
    </message>
    <message>
        <source>（%1 项不合格）</source>
        <translation type="vanished"> (failed items: %1)</translation>
    </message>
    <message>
        <source>定稿后本记录不能再修改；如需修改，只能“更正”生成新版本。确定定稿吗？</source>
        <translation type="vanished">Once finalized, this record cannot be changed; a change then needs a correction, which makes a new version. Finalize now?</translation>
    </message>
    <message>
        <source>定稿</source>
        <translation type="vanished">Finalize</translation>
    </message>
    <message>
        <source>下发整改通知</source>
        <translation type="vanished">Issue rectification notice</translation>
    </message>
    <message>
        <source>检查结果为不合格。现在下发整改通知书吗？</source>
        <translation type="vanished">The inspection failed. Issue the rectification notice now?</translation>
    </message>
    <message>
        <source>以后再说</source>
        <translation type="vanished">Later</translation>
    </message>
    <message>
        <source>已生成整改通知 %1 的延期版本，新期限 %2</source>
        <translation type="vanished">Issued an extended version of notice %1, new deadline %2</translation>
    </message>
    <message>
        <source>更正</source>
        <translation type="vanished">Correct</translation>
    </message>
    <message>
        <source>将生成本记录的更正版本（草稿），原记录保持不变，两者都保留在版本记录中。继续吗？</source>
        <translation type="vanished">This makes a corrected version of the record (a draft); the original stays unchanged and both are kept in the versions. Continue?</translation>
    </message>
    <message>
        <source>草稿打印件带“草稿”水印，不是正式记录。</source>
        <translation type="vanished">A printed draft carries a &quot;draft&quot; watermark; it is not an official record.</translation>
    </message>
    <message>
        <source>打印</source>
        <translation type="vanished">Print</translation>
    </message>
</context>
<context>
    <name>ItemRow</name>
    <message>
        <location filename="../../ui/inspection/items.py" line="+121"/>
        <source>历史…</source>
        <translation>History…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>替换已填的数值？</source>
        <translation>Replace the value entered?</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>“%1”已填 %2 秒。用计时结果 %3 秒替换吗？</source>
        <translation>&quot;%1&quot; already holds %2 s. Replace it with the stopwatch reading of %3 s?</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>计时结果 %1 秒未填入，保留原值</source>
        <translation>Stopwatch reading of %1 s not entered; the earlier value is kept</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>不适用（取决于“%1”的回答）</source>
        <translation>N/A (depends on the answer to &quot;%1&quot;)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>✗ 不符合（关键项）</source>
        <translation>✗ Fails (critical item)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>✗ 不符合（一般项）</source>
        <translation>✗ Fails (minor item)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1：%2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>✓ 符合</source>
        <translation>✓ Passes</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>未保存：%1</source>
        <translation>Not saved: %1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>上次检查不合格：%1；整改要求：%2</source>
        <translation>Failed last time: %1; to fix: %2</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>此项不合格，须拍照取证</source>
        <translation>This item fails: take a photo as evidence</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>无法拍照时写明理由（打印在记录上）</source>
        <translation>If no photo can be taken, write why (printed on the sheet)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>不合格项须有照片；确实无法拍照时，写明理由也可定稿</source>
        <translation>A failed item needs a photo; when none can be taken, a written reason lets the record be finalized</translation>
    </message>
</context>
<context>
    <name>LineInput</name>
    <message>
        <location filename="../../ui/inspection/inputs.py" line="-77"/>
        <source>未填</source>
        <translation>Not answered</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>秒</source>
        <translation>s</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>请输入秒数，如 35、35秒 或 1分05秒</source>
        <translation>Enter seconds, e.g. 35, 35s or 1m05s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>请输入一个整数，如 0、1、2</source>
        <translation>Enter a whole number, e.g. 0, 1, 2</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="+18"/>
        <source>酒店电视整改检查</source>
        <translation>Hotel TV inspections</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>【演示】%1 — 虚构数据，不会同步</source>
        <translation>[DEMO] %1 — fictional data, never synced</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>演示数据 — 全部为虚构的酒店和记录，只存在于单独的演示数据目录，不会发送到服务器。</source>
        <translation>Demo data — every hotel and record here is fictional, kept in a separate demo data folder and never sent to a server.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>已导出报告：%1</source>
        <translation>Report exported: %1</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>导入酒店名单(&amp;I)…</source>
        <translation>&amp;Import hotel list…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>导出酒店(&amp;E)…</source>
        <translation>&amp;Export hotels…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>导出检查记录(&amp;X)…</source>
        <translation>E&amp;xport inspections…</translation>
    </message>
    <message>
        <source>载入演示数据(&amp;D)</source>
        <translation type="vanished">Load &amp;demo data</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>同步(&amp;Y)…</source>
        <translation>S&amp;ync…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>设置(&amp;S)…</source>
        <translation>&amp;Settings…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>退出(&amp;Q)</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>新建检查(&amp;N)</source>
        <translation>&amp;New inspection</translation>
    </message>
    <message>
        <source>打开草稿(&amp;O)…</source>
        <translation type="vanished">&amp;Open draft…</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>合并重复酒店(&amp;M)…</source>
        <translation>&amp;Merge duplicate hotels…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>打开演示数据(&amp;D)</source>
        <translation>Open &amp;demo data</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>草稿(&amp;O)…</source>
        <translation>Dra&amp;fts…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>打印检查记录(&amp;I)…</source>
        <translation>Print &amp;inspection record…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>打印整改通知书(&amp;N)…</source>
        <translation>Print rectification &amp;notice…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>打印空白检查表(&amp;B)…</source>
        <translation>Print &amp;blank field form…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>打印统计报表(&amp;S)…</source>
        <translation>Print &amp;summary report…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>批量打印检查记录(&amp;A)…</source>
        <translation>Print inspection records in a b&amp;atch…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>验证打印件(&amp;V)…</source>
        <translation>&amp;Verify a printed document…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>执法行动(&amp;E)…</source>
        <translation>&amp;Enforcement operations…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>查找酒店(&amp;F)</source>
        <translation>&amp;Find hotel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>刷新(&amp;R)</source>
        <translation>&amp;Refresh</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>酒店名册(&amp;H)</source>
        <translation>&amp;Hotel registry</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>统计(&amp;T)</source>
        <translation>S&amp;tatistics</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>快捷键(&amp;K)</source>
        <translation>&amp;Keyboard shortcuts</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>关于(&amp;A)</source>
        <translation>&amp;About</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>检查(&amp;C)</source>
        <translation>&amp;Inspection</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>打印(&amp;P)</source>
        <translation>&amp;Print</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>视图(&amp;V)</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>页面</source>
        <translation>Pages</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+224"/>
        <source>酒店名册</source>
        <translation>Hotel registry</translation>
    </message>
    <message>
        <location line="-223"/>
        <source>统计</source>
        <translation>Statistics</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>正在处理…</source>
        <translation>Working…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>数据目录：%1</source>
        <translation>Data folder: %1</translation>
    </message>
    <message>
        <location line="+142"/>
        <source>正在准备演示数据…</source>
        <translation>Preparing the demo data…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>准备演示数据</source>
        <translation>Preparing demo data</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>所在市的县区列表将在下次启动程序时更换。</source>
        <translation>The counties of the chosen city are loaded at the next start.</translation>
    </message>
    <message>
        <location line="+176"/>
        <source>检查记录“%1”窗口关闭后，有一处修改未能保存。</source>
        <translation>A change to the inspection record “%1” could not be saved after its window closed.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>未保存的内容：%1</source>
        <translation>Not saved: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>请重新打开这条检查记录，核对后再填一次。</source>
        <translation>Please open this inspection record again, check it and enter the change again.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>未保存</source>
        <translation>Not saved</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>查找酒店（名称、地址、联系人、信用代码）</source>
        <translation>Find a hotel (name, address, contact, credit code)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>草稿：继续或放弃</source>
        <translation>Drafts: continue or discard</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>在搜索框中按回车：转到列表</source>
        <translation>Enter in the search box: go to the list</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>&lt;h3&gt;酒店电视整改检查&lt;/h3&gt;&lt;p&gt;版本 %1&lt;/p&gt;&lt;p&gt;数据目录：%2&lt;/p&gt;&lt;p&gt;内置字体：文泉驿微米黑 (Apache-2.0)。&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Hotel TV inspections&lt;/h3&gt;&lt;p&gt;Version %1&lt;/p&gt;&lt;p&gt;Data folder: %2&lt;/p&gt;&lt;p&gt;Bundled font: WenQuanYi Micro Hei (Apache-2.0).&lt;/p&gt;</translation>
    </message>
    <message>
        <source>数据目录:%1</source>
        <translation type="vanished">Data folder: %1</translation>
    </message>
    <message>
        <location line="-311"/>
        <source>已读取 %1 家酒店</source>
        <translation>%1 hotels read</translation>
    </message>
    <message>
        <source>正在载入演示数据…</source>
        <translation type="vanished">Loading demo data…</translation>
    </message>
    <message>
        <source>已载入演示数据:%1 家酒店(试点 %2 家),%3 次检查</source>
        <translation type="vanished">Demo data loaded: %1 hotels (%2 pilot), %3 inspections</translation>
    </message>
    <message>
        <source>载入演示数据</source>
        <translation type="vanished">Loading demo data</translation>
    </message>
    <message>
        <location line="+88"/>
        <location line="+2"/>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>界面语言将在下次启动程序时更改。</source>
        <translation>The interface language changes the next time the program starts.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>设置已保存</source>
        <translation>Settings saved</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)</source>
        <translation>Excel workbook (*.xlsx);;CSV file (*.csv)</translation>
    </message>
    <message>
        <location line="+14"/>
        <location line="+20"/>
        <source>导出酒店</source>
        <translation>Export hotels</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>已导出 %1 家酒店到 %2</source>
        <translation>Exported %1 hotels to %2</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+16"/>
        <source>导出检查记录</source>
        <translation>Export inspections</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>检查记录</source>
        <translation>inspections</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>已导出 %1 条检查记录到 %2</source>
        <translation>Exported %1 inspections to %2</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>打印检查记录</source>
        <translation>Print inspection record</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>请先在酒店名册中选择一家酒店，再在下方的检查记录中选择要打印的一条。</source>
        <translation>Select a hotel in the registry first, then the inspection to print in its list below.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>正在读取这家酒店的检查记录，请稍后再试。</source>
        <translation>Still reading this hotel&apos;s inspections; try again in a moment.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>“%1”还没有检查记录可打印。</source>
        <translation>&quot;%1&quot; has no inspection record to print yet.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>打印整改通知书</source>
        <translation>Print rectification notice</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+10"/>
        <source>请先在酒店名册中选择一家酒店。</source>
        <translation>Select a hotel in the registry first.</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>打印空白检查表</source>
        <translation>Print blank field form</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>“%1”未完成。</source>
        <translation>&quot;%1&quot; did not finish.</translation>
    </message>
    <message>
        <source>查找酒店(名称、地址、联系人、信用代码)</source>
        <translation type="vanished">Find a hotel (name, address, contact, credit code)</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>为选中的酒店新建检查</source>
        <translation>New inspection of the selected hotel</translation>
    </message>
    <message>
        <source>打开草稿</source>
        <translation type="vanished">Open a draft inspection</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>打印选中的检查记录</source>
        <translation>Print the selected inspection record</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>与服务器同步</source>
        <translation>Sync with the server</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>酒店名册 / 统计</source>
        <translation>Hotel registry / Statistics</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>在搜索框中按回车:转到列表</source>
        <translation type="vanished">Enter in the search box: go to the list</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>双击</source>
        <translation>Double-click</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>编辑酒店信息</source>
        <translation>Edit the hotel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本帮助</source>
        <translation>This help</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>快捷键</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <source>&lt;h3&gt;酒店电视整改检查&lt;/h3&gt;&lt;p&gt;版本 %1&lt;/p&gt;&lt;p&gt;数据目录:%2&lt;/p&gt;&lt;p&gt;内置字体:文泉驿微米黑 (Apache-2.0)。&lt;/p&gt;</source>
        <translation type="vanished">&lt;h3&gt;Hotel TV inspections&lt;/h3&gt;&lt;p&gt;Version %1&lt;/p&gt;&lt;p&gt;Data folder: %2&lt;/p&gt;&lt;p&gt;Bundled font: WenQuanYi Micro Hei (Apache-2.0).&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>关于</source>
        <translation>About</translation>
    </message>
</context>
<context>
    <name>NoticeDialog</name>
    <message>
        <location filename="../../ui/inspection/notice.py" line="-237"/>
        <source>下发整改通知书 — %1</source>
        <translation>Issue rectification notice — %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>检查记录 %1 的不合格项已列出。取消勾选不列入通知的项目，可修改每项的整改要求。</source>
        <translation>The failed items of record %1 are listed. Untick any that the notice should leave out; each item&apos;s requirement can be edited.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>位置</source>
        <translation>Where</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>检查项目</source>
        <translation>Item</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>检查情况</source>
        <translation>Found</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>违反的规定</source>
        <translation>Rule broken</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>整改要求</source>
        <translation>To fix</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>列入整改通知</source>
        <translation>List in the notice</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>整改要求（可修改）</source>
        <translation>What must be fixed (editable)</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>整改期限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>默认 %1 天</source>
        <translation>default %1 days</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>复查日期</source>
        <translation>Re-inspection date</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>不早于整改期限</source>
        <translation>not before the deadline</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>下发机关</source>
        <translation>Issuing authority</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>当场签收的，填写签收人姓名</source>
        <translation>Signed for on the spot: name who signed</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>拒绝签收（留置送达）</source>
        <translation>Refused to sign for it (left with the party)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>见证人姓名及身份</source>
        <translation>Witness&apos;s name and role</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>送达</source>
        <translation>Served</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>下发通知</source>
        <translation>Issue notice</translation>
    </message>
    <message>
        <source>取消</source>
        <translation type="vanished">Cancel</translation>
    </message>
</context>
<context>
    <name>OperationsDialog</name>
    <message>
        <location filename="../../ui/operations_dialog.py" line="+72"/>
        <source>执法行动</source>
        <translation>Enforcement operations</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+58"/>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <location line="-57"/>
        <location line="+58"/>
        <source>县区</source>
        <translation>Division</translation>
    </message>
    <message>
        <location line="-57"/>
        <source>牵头部门</source>
        <translation>Lead department</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+58"/>
        <source>联合部门</source>
        <translation>Joint departments</translation>
    </message>
    <message>
        <location line="-57"/>
        <source>人次</source>
        <translation>Officers</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>车次</source>
        <translation>Vehicles</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>检查个次</source>
        <translation>Site checks</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>检查记录</source>
        <translation>Inspections</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>删除选中…</source>
        <translation>Delete selected…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>记录一次执法行动</source>
        <translation>Record an operation</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>如 腾冲市文化和旅游局</source>
        <translation>e.g. Tengchong culture and tourism bureau</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>多个部门用顿号分开，如 公安局、市场监管局</source>
        <translation>Separate departments with 、 e.g. 公安局、市场监管局</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>牵头部门 *</source>
        <translation>Lead department *</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>出动执法人员（人次）</source>
        <translation>Officers (person-times)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>出动车辆（车次）</source>
        <translation>Vehicles (vehicle-times)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>检查的场所</source>
        <translation>Sites checked</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>检查场所（个次）</source>
        <translation>Site checks</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+117"/>
        <source>保存执法行动</source>
        <translation>Save operation</translation>
    </message>
    <message>
        <location line="-92"/>
        <source>读取执法行动</source>
        <translation>Reading operations</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>共 %1 次，其中联合执法 %2 次；出动执法人员 %3 人次、车辆 %4 车次，检查场所 %5 个次</source>
        <translation>%1 operations, %2 of them joint; %3 officer-times, %4 vehicle-times, %5 site checks</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>读取场所</source>
        <translation>Reading sites</translation>
    </message>
    <message>
        <location line="+80"/>
        <source>删除执法行动</source>
        <translation>Delete operations</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>删除选中的 %1 次执法行动？</source>
        <translation>Delete the %1 selected operations?</translation>
    </message>
</context>
<context>
    <name>PairsModel</name>
    <message>
        <location filename="../../ui/hotel_merge_dialog.py" line="-55"/>
        <source>酒店一</source>
        <translation>Hotel 1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>酒店二</source>
        <translation>Hotel 2</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>县区</source>
        <translation>Division</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>为何疑似重复</source>
        <translation>Why it looks like a duplicate</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>PeriodPicker</name>
    <message>
        <location filename="../../ui/printing.py" line="-181"/>
        <source>至</source>
        <translation>to</translation>
    </message>
    <message>
        <location filename="../../ui/report_period.py" line="+58"/>
        <source>全部记录</source>
        <translation>All records</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>今年上半年</source>
        <translation>This year, first half</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>今年下半年</source>
        <translation>This year, second half</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>今年全年</source>
        <translation>This year</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>去年下半年</source>
        <translation>Last year, second half</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>自定义…</source>
        <translation>Custom…</translation>
    </message>
</context>
<context>
    <name>PhoneUploadDialog</name>
    <message>
        <location filename="../../ui/photos/phone_dialog.py" line="+108"/>
        <source>%1 房</source>
        <translation>Room %1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>酒店</source>
        <translation>Hotel</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+148"/>
        <source>整个检查（不指定房间）</source>
        <translation>The whole inspection (no room)</translation>
    </message>
    <message>
        <location line="-128"/>
        <source>手机拍照</source>
        <translation>Photos from phone</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>1. 手机连接与本电脑相同的 Wi-Fi，或连接本电脑的移动热点。
2. 用手机相机或微信“扫一扫”扫描左侧二维码，打开上传页面（无需安装应用）。
3. 在手机上选择照片放到哪个房间或不合格项，点“拍照”或“从相册选择”，照片会自动上传。</source>
        <translation>1. Connect the phone to the same Wi-Fi as this laptop, or to this laptop&apos;s mobile hotspot.
2. Scan the QR code on the left with the phone&apos;s camera or WeChat&apos;s Scan to open the upload page (no app to install).
3. On the phone, choose the room or failed item the photos belong to, then tap “拍照” (take photo) or “从相册选择” (choose from album): the photos upload by themselves.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>电脑地址</source>
        <translation>Laptop address</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>电脑有多个网络时，选手机所连的那个（移动热点通常是 192.168.137.1）</source>
        <translation>When the laptop is on several networks, pick the one the phone is on (the mobile hotspot is usually 192.168.137.1)</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>重新生成二维码</source>
        <translation>New QR code</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>手机打不开页面时：确认手机和电脑在同一网络（酒店 Wi-Fi 若隔离设备，请改用电脑的移动热点）；Windows 第一次询问防火墙时，请允许“专用网络”。</source>
        <translation>If the phone cannot open the page: make sure phone and laptop are on the same network (if the hotel Wi-Fi keeps devices apart, use the laptop&apos;s mobile hotspot); when Windows Firewall asks the first time, allow “Private networks”.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>无法启动上传服务：%1</source>
        <translation>Could not start the upload service: %1</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>未找到局域网地址：请先连接 Wi-Fi 或打开电脑的移动热点，然后点“重新生成二维码”。</source>
        <translation>No local network address found: connect to Wi-Fi or turn on the laptop&apos;s mobile hotspot, then click “New QR code”.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>链接有效至 %1（30 分钟）；关闭此窗口或检查窗口后立即失效。</source>
        <translation>The link is valid until %1 (30 minutes); it stops working as soon as this dialog or the inspection window closes.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>链接已过期。需要继续上传时，请点“重新生成二维码”。</source>
        <translation>The link has expired. To upload more, click “New QR code”.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>手机页面默认放到：%1</source>
        <translation>The phone page preselects: %1</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>手机照片</source>
        <translation>Phone photo</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1：已保存到 %2 房</source>
        <translation>%1: saved to room %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1：已保存到本次检查</source>
        <translation>%1: saved to this inspection</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1：未保存（%2）</source>
        <translation>%1: not saved (%2)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>已收到 %1 张照片</source>
        <translation>%1 photo(s) received</translation>
    </message>
</context>
<context>
    <name>PhotoStrip</name>
    <message>
        <location filename="../../ui/photos/strip.py" line="+137"/>
        <location line="+406"/>
        <source>添加照片…</source>
        <translation>Add photos…</translation>
    </message>
    <message>
        <source>选择照片文件(可多选);也可把照片拖到这里,或按 Ctrl+V 粘贴</source>
        <translation type="vanished">Choose photo files (several at once if you like); you can also drop photos here or paste with Ctrl+V</translation>
    </message>
    <message>
        <location line="-405"/>
        <source>选择照片文件（可多选）；也可把照片拖到这里，或按 Ctrl+V 粘贴</source>
        <translation>Choose photo files (several at once if you like); you can also drop photos here or paste with Ctrl+V</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>可拖放或粘贴照片</source>
        <translation>Drop or paste photos here</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>关闭提示</source>
        <translation>Dismiss</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>照片 (%1)</source>
        <translation>Photos (%1)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>读取照片</source>
        <translation>Reading photos</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>缩略图</source>
        <translation>Thumbnails</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>添加照片</source>
        <translation>Add photos</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>照片 (*.jpg *.jpeg *.png *.heic *.heif *.webp *.tif *.tiff *.gif *.bmp *.avif);;所有文件 (*)</source>
        <translation>Photos (*.jpg *.jpeg *.png *.heic *.heif *.webp *.tif *.tiff *.gif *.bmp *.avif);;All files (*)</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>请稍候</source>
        <translation>Please wait</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>正在导入照片，请等当前导入完成后再添加。</source>
        <translation>Photos are being imported; add more when this import has finished.</translation>
    </message>
    <message>
        <location line="+96"/>
        <source>%1 个文件未添加：</source>
        <translation>Files not added: %1</translation>
    </message>
    <message>
        <location line="+102"/>
        <source>从检查记录中删除选中的 %1 张照片？</source>
        <translation>Remove the selected photos (%1) from the inspection record?</translation>
    </message>
    <message>
        <source>正在导入照片,请等当前导入完成后再添加。</source>
        <translation type="vanished">Photos are being imported; add more when this import has finished.</translation>
    </message>
    <message>
        <location line="-166"/>
        <source>正在导入…</source>
        <translation>Importing…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>导入照片</source>
        <translation>Importing photos</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 / %2 张</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>照片未能导入</source>
        <translation>The photos were not imported</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>……另有 %1 个文件</source>
        <translation>… and %1 more files</translation>
    </message>
    <message>
        <source>%1 个文件未添加:</source>
        <translation type="vanished">Files not added: %1</translation>
    </message>
    <message>
        <location line="+76"/>
        <source>查看…</source>
        <translation>View…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>从记录中删除</source>
        <translation>Remove from the record</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>粘贴</source>
        <translation>Paste</translation>
    </message>
    <message>
        <location line="+16"/>
        <location line="+21"/>
        <source>删除照片</source>
        <translation>Remove photos</translation>
    </message>
    <message>
        <source>从检查记录中删除选中的 %1 张照片?</source>
        <translation type="vanished">Remove the selected photos (%1) from the inspection record?</translation>
    </message>
</context>
<context>
    <name>PhotoViewer</name>
    <message>
        <location filename="../../ui/photos/viewer.py" line="+171"/>
        <source>照片</source>
        <translation>Photo</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>拍摄时间</source>
        <translation>Taken</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>确认</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>确认这张照片属于本次检查</source>
        <translation>Confirm that this photo belongs to this inspection</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>位置 (GPS)</source>
        <translation>Location (GPS)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>尺寸</source>
        <translation>Size</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>所属</source>
        <translation>Belongs to</translation>
    </message>
    <message>
        <source>照片说明,例如:开机出现广告</source>
        <translation type="vanished">Caption, e.g. an advert appears at power-on</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>说明</source>
        <translation>Caption</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>移动</source>
        <translation>Move</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>移到房间</source>
        <translation>Move to room</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>检查项</source>
        <translation>Item</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>标注…</source>
        <translation>Annotate…</translation>
    </message>
    <message>
        <source>在照片上画箭头、圆圈、方框或文字(原图不变)</source>
        <translation type="vanished">Draw arrows, circles, boxes or text on the photo (the original stays unchanged)</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>照片说明，例如：开机出现广告</source>
        <translation>Caption, e.g. an advert appears at power-on</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>在照片上画箭头、圆圈、方框或文字（原图不变）</source>
        <translation>Draw arrows, circles, boxes or text on the photo (the original stays unchanged)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>从记录中删除</source>
        <translation>Remove from the record</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>上一张 (←)</source>
        <translation>Previous (←)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>下一张 (→)</source>
        <translation>Next (→)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>缩小 (−)</source>
        <translation>Zoom out (−)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>放大 (+)</source>
        <translation>Zoom in (+)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>适应窗口</source>
        <translation>Fit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>适应窗口 (0)</source>
        <translation>Fit to window (0)</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>没有照片</source>
        <translation>No photos</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 房间</source>
        <translation>Room %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>整个检查</source>
        <translation>Whole inspection</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>正在加载…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>无法显示照片：</source>
        <translation>Cannot show the photo: </translation>
    </message>
    <message>
        <location line="+144"/>
        <source>从检查记录中删除“%1”？原始文件仍保留在照片库中，直到清理。</source>
        <translation>Remove &quot;%1&quot; from the inspection record? The original file stays in the photo store until it is cleaned up.</translation>
    </message>
    <message>
        <source>无法显示照片:</source>
        <translation type="vanished">Cannot show the photo: </translation>
    </message>
    <message>
        <location line="-138"/>
        <source>读取照片</source>
        <translation>Reading the photo</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>读取房间</source>
        <translation>Reading the rooms</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>— 不属于房间 —</source>
        <translation>— no room —</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>— 不指定检查项 —</source>
        <translation>— no item —</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>保存说明</source>
        <translation>Saving the caption</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>移动照片</source>
        <translation>Moving the photo</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>确认拍摄时间</source>
        <translation>Confirming the time taken</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+7"/>
        <source>删除照片</source>
        <translation>Remove photo</translation>
    </message>
    <message>
        <source>从检查记录中删除“%1”?原始文件仍保留在照片库中,直到清理。</source>
        <translation type="vanished">Remove &quot;%1&quot; from the inspection record? The original file stays in the photo store until it is cleaned up.</translation>
    </message>
</context>
<context>
    <name>PrintPreviewDialog</name>
    <message>
        <location filename="../../ui/print_preview.py" line="+81"/>
        <source>打印预览 - {0}</source>
        <extracomment>Pages are rendered for the printer at no more than this resolution (plenty for text and photos).</extracomment>
        <translation>Print preview - {0}</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>另存为PDF…</source>
        <translation>Save as PDF…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>上一页</source>
        <translation>Previous</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>下一页</source>
        <translation>Next</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>缩小</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>放大</source>
        <translation>Zoom in</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>适合宽度</source>
        <translation>Fit width</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>整页</source>
        <translation>Whole page</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>正在生成…</source>
        <translation>Making the PDF…</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+233"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="-170"/>
        <location line="+35"/>
        <source>生成PDF</source>
        <translation>Making the PDF</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>/ 共 {0} 页</source>
        <translation>of {0}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>生成失败</source>
        <translation>Failed</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>另存为PDF</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <location line="+20"/>
        <location line="+1"/>
        <source>保存PDF</source>
        <translation>Saving the PDF</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>打印 - {0}</source>
        <translation>Print - {0}</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>无法开始打印</source>
        <translation>Printing could not start</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>打印</source>
        <translation>Print</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>正在打印…</source>
        <translation>Printing…</translation>
    </message>
</context>
<context>
    <name>Printing</name>
    <message>
        <location filename="../../ui/printing.py" line="-172"/>
        <source>现场检查记录 %1</source>
        <extracomment>The preview never opens taller or wider than this (it shrinks further to fit a small screen).</extracomment>
        <translation>Inspection record %1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>整改通知书 %1</source>
        <translation>Rectification notice %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+8"/>
        <source>打印整改通知书</source>
        <translation>Print rectification notice</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>“%1”还没有整改通知书。</source>
        <translation>&quot;%1&quot; has no rectification notice.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>读取整改通知书</source>
        <translation>Reading notices</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>空白检查表 %1</source>
        <translation>Blank field form %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>打印空白检查表</source>
        <translation>Print blank field form</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>“%1”的空白检查表。
客房栏数（每间抽查的客房一栏，最多 %2 栏）：</source>
        <translation>Blank field form for &quot;%1&quot;.
Room columns (one per sampled room, at most %2):</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>预览…</source>
        <translation>Preview…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>统计报表</source>
        <translation>Summary report</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>批量打印检查记录</source>
        <translation>Inspection records (batch)</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>全部县区</source>
        <translation>All divisions</translation>
    </message>
</context>
<context>
    <name>RecordStatesModel</name>
    <message>
        <location filename="../../ui/sync_panel.py" line="-70"/>
        <source>记录</source>
        <translation>Record</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>酒店</source>
        <translation type="vanished">Hotel</translation>
    </message>
    <message>
        <source>检查记录</source>
        <translation type="vanished">Inspection</translation>
    </message>
    <message>
        <source>抽查房间</source>
        <translation type="vanished">Sampled room</translation>
    </message>
    <message>
        <source>照片</source>
        <translation type="vanished">Photo</translation>
    </message>
    <message>
        <source>检查组</source>
        <translation type="vanished">Team</translation>
    </message>
    <message>
        <source>检查人员</source>
        <translation type="vanished">Inspector</translation>
    </message>
    <message>
        <source>整改通知</source>
        <translation type="vanished">Notice</translation>
    </message>
    <message>
        <source>县区</source>
        <translation type="vanished">Division</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>待发送</source>
        <translation>To send</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>已发送</source>
        <translation>Sent</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>已完整（含全部照片）</source>
        <translation>Complete (all photos)</translation>
    </message>
    <message>
        <source>已完整(含全部照片)</source>
        <translation type="vanished">Complete (all photos)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>有冲突</source>
        <translation>Conflict</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>失败</source>
        <translation>Failed</translation>
    </message>
</context>
<context>
    <name>RefusedChanges</name>
    <message>
        <location filename="../../ui/sync_refused.py" line="+86"/>
        <source>放弃所选修改</source>
        <translation>Give up the selected change</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>服务器拒绝的修改会在每次同步时再次发送，直到被接受；放弃后，记录按现状留在本机，不再发送，以后再修改会重新发送。</source>
        <translation>Changes the server refused are sent again at every sync until accepted. Once given up, the record stays on this computer as it is and is no longer sent; editing it again queues it anew.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>读取被拒绝的修改</source>
        <translation>Reading refused changes</translation>
    </message>
    <message>
        <location line="+18"/>
        <location line="+2"/>
        <location line="+30"/>
        <source>放弃修改</source>
        <translation>Give up change</translation>
    </message>
    <message>
        <location line="-31"/>
        <source>放弃这条被拒绝的修改？记录按现状留在本机，不再发送到服务器。</source>
        <translation>Give up this refused change? The record stays on this computer as it is and is no longer sent to the server.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>保留</source>
        <translation>Keep</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>请先在列表中选择一条修改。</source>
        <translation>Select a change in the list first.</translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>已放弃 %n 条修改，不再发送。</source>
        <translation>
            <numerusform>Gave up %n change; it is no longer sent.</numerusform>
            <numerusform>Gave up %n changes; they are no longer sent.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RefusedModel</name>
    <message>
        <location filename="../../ui/import_dialog.py" line="-368"/>
        <source>行号</source>
        <translation>Row</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>列</source>
        <translation>Column</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>值</source>
        <translation>Value</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/sync_refused.py" line="-107"/>
        <source>记录</source>
        <translation>Record</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>服务器拒绝的原因</source>
        <translation>Why the server refused it</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>酒店</source>
        <translation>Hotel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>检查记录</source>
        <translation>Inspection</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>抽查房间</source>
        <translation>Sampled room</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>照片</source>
        <translation>Photo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>检查组</source>
        <translation>Team</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>检查人员</source>
        <translation>Inspector</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>整改通知</source>
        <translation>Notice</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>县区</source>
        <translation>Division</translation>
    </message>
</context>
<context>
    <name>RegistryPage</name>
    <message>
        <location filename="../../ui/registry.py" line="+96"/>
        <source>搜索名称、地址、联系人、电话、信用代码 (Ctrl+F)</source>
        <translation>Search name, address, contact, phone, credit code (Ctrl+F)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>全部县区</source>
        <translation>All divisions</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>全部模式</source>
        <translation>All modes</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>整改逾期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>全部酒店</source>
        <translation>All hotels</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>试点酒店</source>
        <translation>Pilot hotels</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>非试点</source>
        <translation>Not pilot</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>全部场所</source>
        <translation>All sites</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>新建检查</source>
        <translation>New inspection</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>为选中的酒店开始一次检查 (Ctrl+N)</source>
        <translation>Start an inspection of the selected hotel (Ctrl+N)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>新增酒店</source>
        <translation>Add hotel</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>删除…</source>
        <translation>Delete…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>删除选中的酒店（有定稿记录的酒店不能删除）</source>
        <translation>Delete the selected hotel (a hotel with finalized records cannot be deleted)</translation>
    </message>
    <message>
        <location line="+83"/>
        <source>正在读取酒店名册…</source>
        <translation>Reading the hotel registry…</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>读取酒店名册</source>
        <translation>Reading the hotel registry</translation>
    </message>
    <message>
        <location line="+50"/>
        <location line="+20"/>
        <source>读取酒店</source>
        <translation>Reading a hotel</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>读取检查记录</source>
        <translation>Reading inspections</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>共 %1 家酒店</source>
        <translation>%1 hotels</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>显示 %1 家，共 %2 家</source>
        <translation>%1 of %2 hotels shown</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>已删除「%1」</source>
        <translation>Deleted &quot;%1&quot;</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>删除酒店</source>
        <translation>Delete hotel</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>已放弃草稿 %1</source>
        <translation>Draft %1 discarded</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>放弃草稿</source>
        <translation>Discard draft</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>已保存「%1」（不在当前筛选结果中）</source>
        <translation>Saved &quot;%1&quot; (hidden by the current filter)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>检查功能不可用：%1</source>
        <translation>Inspections are not available: %1</translation>
    </message>
    <message>
        <source>显示 %1 家,共 %2 家</source>
        <translation type="vanished">%1 of %2 hotels shown</translation>
    </message>
    <message>
        <source>已保存「%1」(不在当前筛选结果中)</source>
        <translation type="vanished">Saved &quot;%1&quot; (hidden by the current filter)</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>已保存「%1」</source>
        <translation>Saved &quot;%1&quot;</translation>
    </message>
    <message>
        <source>检查功能不可用:%1</source>
        <translation type="vanished">Inspections are not available: %1</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>请先在列表中选择一家酒店</source>
        <translation>Select a hotel in the list first</translation>
    </message>
</context>
<context>
    <name>ReportPeriod</name>
    <message>
        <location filename="../../ui/report_period.py" line="+57"/>
        <source>工作情况报告</source>
        <translation>Work report</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+40"/>
        <source>导出报告</source>
        <translation>Export report</translation>
    </message>
    <message>
        <location line="-38"/>
        <source>Word 文档 (*.docx);;PDF 文件 (*.pdf)</source>
        <translation>Word document (*.docx);;PDF file (*.pdf)</translation>
    </message>
</context>
<context>
    <name>RoomPage</name>
    <message>
        <location filename="../../ui/inspection/room.py" line="-258"/>
        <location line="+8"/>
        <source>未填</source>
        <translation>Not given</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>房间号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>楼层</source>
        <translation>Floor</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>房型</source>
        <translation>Room type</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>F5：开机计时    Y / N / A：是 / 否 / 不适用</source>
        <translation>F5: power-on timer    Y / N / A: Yes / No / N/A</translation>
    </message>
    <message>
        <source>F5 / 空格：开机计时    Y / N / A：是 / 否 / 不适用</source>
        <translation type="vanished">F5 / Space: power-on timer    Y / N / A: Yes / No / N/A</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>删除此房间…</source>
        <translation>Remove this room…</translation>
    </message>
</context>
<context>
    <name>SegmentedInput</name>
    <message>
        <location filename="../../ui/inspection/inputs.py" line="-166"/>
        <source>快捷键：%1</source>
        <translation>Shortcut: %1</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/settings_dialog.py" line="+67"/>
        <source>设置</source>
        <extracomment>The shipped province list whose cities a laptop may choose (``resources/divisions/yunnan.json``). Interface languages offered: (settings value, name shown in that language).</extracomment>
        <translation>Settings</translation>
    </message>
    <message>
        <source>更改语言后需重新启动程序才生效。</source>
        <translation type="vanished">A new language takes effect when the program is restarted.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source> 天</source>
        <translation> days</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>空：按设备编号自动生成</source>
        <translation>Blank: made from the device id</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> 像素</source>
        <translation> px</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>界面语言</source>
        <translation>Interface language</translation>
    </message>
    <message>
        <source>发文机关(整改通知落款)</source>
        <translation type="vanished">Issuing authority (on notices)</translation>
    </message>
    <message>
        <location line="-23"/>
        <source>更改语言或所在市后需重新启动程序才生效。</source>
        <translation>A new language or city takes effect when the program starts again.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>所在市（县区列表）</source>
        <translation>City (its counties)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>发文机关（整改通知落款）</source>
        <translation>Issuing authority (on notices)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>整改期限默认</source>
        <translation>Default deadline</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>通知书文号前缀</source>
        <translation>Notice number prefix</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本机备用文号标识</source>
        <translation>This laptop&apos;s fallback number tag</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>通知书总体依据</source>
        <translation>General legal basis of notices</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>行政复议机关</source>
        <translation>Administrative review body</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>行政诉讼法院</source>
        <translation>Court for administrative litigation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>照片副本长边</source>
        <translation>Photo copy long edge</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>照片副本质量 (JPEG)</source>
        <translation>Photo copy quality (JPEG)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>数据目录</source>
        <translation>Data folder</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>保存设置</source>
        <translation>Saving settings</translation>
    </message>
</context>
<context>
    <name>SidePanel</name>
    <message>
        <location filename="../../ui/inspection/side.py" line="+34"/>
        <source>定稿…</source>
        <translation>Finalize…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>检查完成后定稿；定稿后记录不能再修改</source>
        <translation>Finalize when the inspection is done; a finalized record cannot be changed</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>下发整改通知…</source>
        <translation>Issue notice…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>更正…</source>
        <translation>Correct…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>生成一个更正版本（草稿）；原记录保持不变，两者都留在历史中</source>
        <translation>Make a corrected version (a draft); the original stays unchanged and both stay in the history</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>放弃草稿…</source>
        <translation>Discard draft…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>不再保留这份草稿（记录作废并同步；审计记录中仍保留）</source>
        <translation>Stop keeping this draft (it is voided and the voiding syncs; the audit log keeps it)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>手机拍照…</source>
        <translation>Photos from phone…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>显示二维码：用手机拍照，照片直接传到本检查记录（手机与电脑在同一网络）</source>
        <translation>Show a QR code: take photos with your phone and they go straight into this record (phone and laptop on the same network)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>打印现场检查记录（Ctrl+P）；草稿打印时带“草稿”水印</source>
        <translation>Print the inspection record (Ctrl+P); a draft prints with a &quot;draft&quot; watermark</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>打印整改通知书…</source>
        <translation>Print notice…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>打印本次检查下发的整改通知书（含送达回证）</source>
        <translation>Print the rectification notice issued after this inspection (with its receipt)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>整改延期…</source>
        <translation>Extend deadline…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>延长整改期限：生成整改通知书的新版本（已下发的通知书不能修改）</source>
        <translation>Extend the deadline: issues a new version of the notice (an issued notice cannot be edited)</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>版本记录（%1）</source>
        <translation>Versions (%1)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>草稿</source>
        <translation>Drafts</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>已定稿</source>
        <translation>Finalized</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>第 %1 版 · %2 · %3</source>
        <translation>Version %1 · %2 · %3</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>（已被更正）</source>
        <translation> (corrected)</translation>
    </message>
</context>
<context>
    <name>SignatureDialog</name>
    <message>
        <location filename="../../ui/inspection/signature.py" line="+204"/>
        <source>手写签名：%1</source>
        <translation>Signature: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>请 %1 在下方框内签名（手写笔、触摸屏或触摸板均可）。</source>
        <translation>%1, please sign in the box below (pen, touch screen or touchpad).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>清除重签</source>
        <translation>Clear and sign again</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>确认签名</source>
        <translation>Confirm signature</translation>
    </message>
    <message>
        <source>取消</source>
        <translation type="vanished">Cancel</translation>
    </message>
</context>
<context>
    <name>SignaturePreview</name>
    <message>
        <location line="-38"/>
        <source>纸质签字</source>
        <translation>Signed on paper</translation>
    </message>
</context>
<context>
    <name>StopwatchButton</name>
    <message>
        <location filename="../../ui/inspection/stopwatch.py" line="+100"/>
        <source>▶ 开始计时</source>
        <translation>▶ Start timer</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>按下电视电源键时开始，出现直播画面时再按一次停止；Esc 取消。秒数自动填入。</source>
        <translation>Start as you press the TV&apos;s power button and press again when the live picture appears; Esc cancels. The seconds are filled in for you.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>■ 停止 %1 秒</source>
        <translation>■ Stop %1 s</translation>
    </message>
</context>
<context>
    <name>SummaryDialog</name>
    <message>
        <location filename="../../ui/printing.py" line="+56"/>
        <source>打印统计报表</source>
        <translation>Print summary report</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>只统计此期间的检查和整改通知</source>
        <translation>Only count inspections and notices of this period</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>试点酒店</source>
        <translation>Pilot hotels</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>全部酒店</source>
        <translation>All hotels</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>开始日期不能晚于结束日期。</source>
        <translation>The start date cannot be after the end date.</translation>
    </message>
    <message>
        <source>期间</source>
        <translation type="vanished">Period</translation>
    </message>
    <message>
        <source>县区</source>
        <translation type="vanished">Division</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>范围</source>
        <translation>Hotels</translation>
    </message>
    <message>
        <source>预览…</source>
        <translation type="vanished">Preview…</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <source>(空)</source>
        <extracomment>Pauses before automatic retries after a failed sync (seconds); the last repeats.</extracomment>
        <translation type="vanished">(empty)</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="-25"/>
        <source>是</source>
        <translation>yes</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>否</source>
        <translation>no</translation>
    </message>
    <message>
        <location line="+123"/>
        <location line="+220"/>
        <source>同步</source>
        <extracomment>Whether this account settles conflicts (an inspector&apos;s does not: the office does). The core&apos;s retry policy for each request (None: its default backoff).</extracomment>
        <translation>Sync</translation>
    </message>
    <message>
        <source>可留空:使用系统证书存储</source>
        <translation type="vanished">Optional: the system certificate store is used</translation>
    </message>
    <message>
        <source>服务器使用单位自建或政务 CA 证书、且该证书未装入系统时,填写其 CA 证书文件 (PEM) 的路径</source>
        <translation type="vanished">If the server&apos;s certificate comes from an internal or government CA that is not installed on this computer, give the path of that CA&apos;s certificate file (PEM)</translation>
    </message>
    <message>
        <location line="-193"/>
        <source>立即同步</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>停止</source>
        <translation>Stop</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>服务器地址</source>
        <translation>Server address</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>令牌</source>
        <translation>Token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CA 证书文件</source>
        <translation>CA certificate file</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>待发送的修改</source>
        <translation>Changes to send</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>上次同步</source>
        <translation>Last sync</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>保留现行值</source>
        <translation>Keep value in force</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>采用另一值</source>
        <translation>Use other value</translation>
    </message>
    <message>
        <source>同一字段在两处被修改时,暂以服务器的值为准;请选择保留哪一个,选择会在下次同步时发送。</source>
        <translation type="vanished">When a field was changed in two places, the server&apos;s value holds for now; choose which one to keep, and your choice is sent at the next sync.</translation>
    </message>
    <message>
        <location line="-178"/>
        <source>（空）</source>
        <extracomment>Tables whose changes alter what the panel shows (pending count, record states, conflicts). Pauses before automatic retries after a failed sync (seconds); the last repeats.</extracomment>
        <translation>(empty)</translation>
    </message>
    <message>
        <location line="+139"/>
        <source>可留空：使用系统证书存储</source>
        <translation>Optional: the system certificate store is used</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>服务器使用单位自建或政务 CA 证书、且该证书未装入系统时，填写其 CA 证书文件 (PEM) 的路径</source>
        <translation>If the server&apos;s certificate comes from an internal or government CA that is not installed on this computer, give the path of that CA&apos;s certificate file (PEM)</translation>
    </message>
    <message>
        <source>同一字段在两处被修改时，暂以服务器的值为准；请选择保留哪一个，选择会在下次同步时发送。</source>
        <translation type="vanished">When a field was changed in two places, the server&apos;s value holds for now; choose which one to keep, and your choice is sent at the next sync.</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>各记录状态</source>
        <translation>Records</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>冲突</source>
        <translation>Conflicts</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>被拒绝的修改</source>
        <translation>Refused changes</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>被拒绝的修改 (%1)</source>
        <translation>Refused changes (%1)</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>读取同步状态</source>
        <translation>Reading the sync state</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>%n 条记录</source>
        <translation>
            <numerusform>%n record</numerusform>
            <numerusform>%n records</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>从未同步</source>
        <translation>Never synced</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>完成，部分修改被拒绝</source>
        <translation>Done, some changes refused</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>成功</source>
        <translation>succeeded</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>未完成</source>
        <translation>did not finish</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>已保存</source>
        <translation>Saved</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>同一字段在两处被修改时，暂以服务器的值为准；</source>
        <translation>When a field was changed in two places, the server’s value stands for now; </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>请选择保留哪一个，选择会在下次同步时发送。</source>
        <translation>choose which one to keep: your choice is sent at the next sync.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>冲突由办公室账号处理，检查员账号只能查看；记录仍可照常修改。</source>
        <translation>conflicts are settled by an office account; an inspector’s account can only look at them (the record can still be edited as usual).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>冲突 (%1)</source>
        <translation>Conflicts (%1)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>上一次同步仍在进行，请稍后再试。</source>
        <translation>The previous sync is still running; please try again later.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>请先填写服务器地址。</source>
        <translation>Enter the server address first.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>正在同步…</source>
        <translation>Syncing…</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>正在停止，已完成的部分会保留…</source>
        <translation>Stopping; what is done so far is kept…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>有 %1 条修改被服务器拒绝，仍待发送：原因见“被拒绝的修改”页，可修改记录后再同步，或放弃该修改。</source>
        <translation>%1 change(s) were refused by the server and are still waiting to be sent: see the reasons on the “Refused changes” tab; correct the record and sync again, or give the change up.</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>已记录您的选择，下次同步时发送。</source>
        <translation>Your choice is recorded and will be sent at the next sync.</translation>
    </message>
    <message>
        <source>正在停止,已完成的部分会保留…</source>
        <translation type="vanished">Stopping; what is done so far is kept…</translation>
    </message>
    <message>
        <location line="-32"/>
        <source>将在 %1 秒后自动重试。</source>
        <translation>Retrying in %1 seconds.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>请先在列表中选择一个冲突。</source>
        <translation>Select a conflict in the list first.</translation>
    </message>
    <message>
        <source>已记录您的选择,下次同步时发送。</source>
        <translation type="vanished">Your choice is recorded and will be sent at the next sync.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>处理冲突</source>
        <translation>Resolving the conflict</translation>
    </message>
</context>
<context>
    <name>TeamDialog</name>
    <message>
        <location filename="../../ui/inspection/team.py" line="+51"/>
        <source>选择检查人员</source>
        <translation>Choose the inspectors</translation>
    </message>
    <message>
        <source>继续该草稿</source>
        <translation type="vanished">Continue that draft</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>继续草稿</source>
        <translation>Continue draft</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>放弃草稿…</source>
        <translation>Discard draft…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>检查表</source>
        <translation>Checklist</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>勾选本次参加检查的执法人员（至少 %1 名）。</source>
        <translation>Tick the officers taking part in this inspection (at least %1).</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>新增检查人员</source>
        <translation>New inspector</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+6"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="-4"/>
        <location line="+6"/>
        <source>执法证号</source>
        <translation>Enforcement ID</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+127"/>
        <source>开始检查</source>
        <translation>Start inspection</translation>
    </message>
    <message>
        <source>取消</source>
        <translation type="vanished">Cancel</translation>
    </message>
    <message>
        <location line="-93"/>
        <source>这家酒店已有未定稿的检查记录 %1（开始于 %2）。可以继续填写，不必另起一份。</source>
        <translation>This hotel already has a draft inspection, %1 (started %2). You can continue it rather than start another.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>另起新检查</source>
        <translation>Start a new one</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1    执法证号 %2</source>
        <translation>%1    ID %2</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>已选 %1 名</source>
        <translation>%1 chosen</translation>
    </message>
</context>
<context>
    <name>UpdateNotice</name>
    <message>
        <location filename="../../ui/update_notice.py" line="+41"/>
        <location line="+61"/>
        <source>下载新版本</source>
        <translation>Download the new version</translation>
    </message>
    <message>
        <location line="-59"/>
        <source>打开安装程序</source>
        <translation>Open the installer</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>新版本可用:%1(%2 MB)</source>
        <translation>New version available: %1 (%2 MB)</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>正在下载新版本 %1…</source>
        <translation>Downloading version %1…</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>正在下载新版本 %1… %2%</source>
        <translation>Downloading version %1… %2%</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>新版本 %1 已下载并通过校验:%2。关闭本程序后运行它即可安装。</source>
        <translation>Version %1 was downloaded and its checksum verified: %2. Close hoteltv, then run it to install.</translation>
    </message>
</context>
<context>
    <name>VerdictPanel</name>
    <message>
        <location filename="../../ui/inspection/verdict.py" line="+54"/>
        <source>检查结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>已填 %1 / %2 项 · 抽查 %3 间（至少 %4 间）</source>
        <translation type="vanished">%1 / %2 items answered · rooms sampled: %3 (at least %4)</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>关键项</source>
        <translation>critical</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>一般项</source>
        <translation>minor</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>不合格项（%1）</source>
        <translation>Failed items (%1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <source>还需抽查 %1 间客房</source>
        <translation type="vanished">Rooms still to sample: %1</translation>
    </message>
    <message>
        <location line="-21"/>
        <source>已填 %1 / %2 项</source>
        <translation>%1 / %2 items answered</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> · 抽查 %3 间（至少 %4 间）</source>
        <translation> · %3 rooms sampled (at least %4)</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>：%1 项未填（%2）</source>
        <translation>: %1 unanswered (%2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>定稿前还需完成（%1）</source>
        <translation>To do before finalizing (%1)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>已全部完成，可以定稿</source>
        <translation>All done: ready to finalize</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>尚未复查</source>
        <translation>not re-checked yet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>✗ 仍不符合</source>
        <translation>✗ still fails</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>✓ 已整改</source>
        <translation>✓ fixed</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>上次：%1</source>
        <translation>Last time: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>整改通知所列问题（%1）</source>
        <translation>Problems in the notice (%1)</translation>
    </message>
</context>
<context>
    <name>VerifyDialog</name>
    <message>
        <location filename="../../ui/verify_dialog.py" line="+49"/>
        <source>核验纸质文书</source>
        <translation>Verify a printed document</translation>
    </message>
    <message>
        <source>输入或粘贴现场检查记录、整改通知书页脚二维码下方的校验码(也可用扫码枪扫描二维码):</source>
        <translation type="vanished">Type or paste the verification code printed under the QR code in the footer of an inspection record or rectification notice (or scan the QR code with a scanner):</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>例如 J-7F3A9C12-V1-5E8B2D41C0</source>
        <translation>e.g. J-7F3A9C12-V1-5E8B2D41C0</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>粘贴</source>
        <translation>Paste</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+50"/>
        <location line="+6"/>
        <source>核验</source>
        <translation>Verify</translation>
    </message>
    <message>
        <source>一致:纸质件与存档记录相符,是现行有效的版本。</source>
        <translation type="vanished">Genuine: the paper matches the stored record, and this version is in force.</translation>
    </message>
    <message>
        <source>与存档记录相符,但此版本已被更正,请以新版本为准。</source>
        <translation type="vanished">The paper matches the stored record, but this version has been corrected: the newer version is the one in force.</translation>
    </message>
    <message>
        <source>不一致:纸质件与存档记录不符,可能被改动或校验码抄错。</source>
        <translation type="vanished">No match: the paper does not match the stored record; it may have been altered, or the code mistyped.</translation>
    </message>
    <message>
        <source>存档记录校验失败:该记录定稿后在数据库中被改动,不能据此认定。</source>
        <translation type="vanished">The stored record fails its check: it was changed in the database after it was finalized and cannot be relied on.</translation>
    </message>
    <message>
        <source>不一致:该记录定稿(下发)后在数据库中被改动,封存校验失败,不能据此认定。</source>
        <translation type="vanished">Does not match: the record was changed in the database after it was finalized (issued); its seal check failed, so it cannot be relied on.</translation>
    </message>
    <message>
        <source>这是草稿的校验码:草稿不是正式记录。</source>
        <translation type="vanished">This is a draft&apos;s code: a draft is not an official record.</translation>
    </message>
    <message>
        <source>未找到与此校验码对应的记录(请核对校验码,或先同步数据)。</source>
        <translation type="vanished">No record has this code (check the code, or sync first).</translation>
    </message>
    <message>
        <source>校验码格式不正确,应类似 J-7F3A9C12-V1-5E8B2D41C0。</source>
        <translation type="vanished">This is not a valid code; it looks like J-7F3A9C12-V1-5E8B2D41C0.</translation>
    </message>
    <message>
        <location line="-63"/>
        <source>输入或粘贴现场检查记录、整改通知书页脚二维码下方的校验码（也可用扫码枪扫描二维码）:</source>
        <translation>Type or paste the verification code printed under the QR code in the footer of an inspection record or rectification notice (or scan the QR code with a scanner):</translation>
    </message>
    <message>
        <location line="+85"/>
        <source>一致：纸质件与存档记录相符，是现行有效的版本。</source>
        <translation>Genuine: the paper matches the stored record, and this version is in force.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>与存档记录相符，但此版本已被更正，请以新版本为准。</source>
        <translation>The paper matches the stored record, but this version has been corrected: the newer version is the one in force.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>不一致：纸质件与存档记录不符，可能被改动或校验码抄错。</source>
        <translation>No match: the paper does not match the stored record; it may have been altered, or the code mistyped.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>不一致：该记录定稿（下发）后在数据库中被改动，封存校验失败，不能据此认定。</source>
        <translation>Does not match: the record was changed in the database after it was finalized (issued); its seal check failed, so it cannot be relied on.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>这是草稿的校验码：草稿不是正式记录。</source>
        <translation>This is a draft&apos;s code: a draft is not an official record.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>未找到与此校验码对应的记录（请核对校验码，或先同步数据）。</source>
        <translation>No record has this code (check the code, or sync first).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>校验码格式不正确，应类似 J-7F3A9C12-V1-5E8B2D41C0。</source>
        <translation>This is not a valid code; it looks like J-7F3A9C12-V1-5E8B2D41C0.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>现场检查记录</source>
        <translation>Inspection record</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>整改通知书</source>
        <translation>Rectification notice</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>文书</source>
        <translation>Document</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>被检查单位</source>
        <translation>Hotel</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>版本</source>
        <translation>Version</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>第 {0} 版（共 {1} 版）</source>
        <translation>Version {0} of {1}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>已复查合格，已关闭</source>
        <translation>Re-inspected and passed; closed</translation>
    </message>
    <message>
        <source>第 {0} 版(共 {1} 版)</source>
        <translation type="vanished">Version {0} of {1}</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>检查结论</source>
        <translation>Result</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>整改中</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>已复查合格,已关闭</source>
        <translation type="vanished">Re-inspected and passed; closed</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>已被新的整改通知取代</source>
        <translation>Replaced by a newer notice</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>通知状态</source>
        <translation>Notice state</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>新版本</source>
        <translation>Newer version</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>校验码</source>
        <translation>Code</translation>
    </message>
</context>
<context>
    <name>_PeriodDialog</name>
    <message>
        <location filename="../../ui/printing.py" line="-47"/>
        <source>期间</source>
        <translation>Period</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>县区</source>
        <translation>Division</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>预览…</source>
        <translation>Preview…</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <location filename="../../ui/app.py" line="+80"/>
        <source>酒店电视整改检查</source>
        <translation>Hotel TV inspections</translation>
    </message>
    <message>
        <location line="+103"/>
        <source>无法打开数据</source>
        <translation>Cannot open the data</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>无法打开数据目录 %1。</source>
        <translation>Cannot open the data folder %1.</translation>
    </message>
    <message>
        <location line="+153"/>
        <source>注意</source>
        <extracomment>How long :func:`after_paint` waits for a paint that may never come (a hidden window, an empty registry). Loaded by :func:`warm_up`: what the first screen does not need, and what would otherwise load in the middle of the first sync (pydantic builds the protocol&apos;s models as it imports them, holding the interpreter for a tenth of a second at a time: the GUI would freeze for that long mid-sync).</extracomment>
        <translation>Note</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <source>缺少必需的列:</source>
        <extracomment>Problems listed in a box before &quot;… and N more&quot;.</extracomment>
        <translation type="vanished">Required columns missing: </translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="+86"/>
        <source>缺少必需的列：</source>
        <extracomment>Problems listed in a box before &quot;… and N more&quot;. Application property holding the interface language in force (set by ``ui.app.install_translators``).</extracomment>
        <translation>Required columns missing: </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>无法导入</source>
        <translation>Cannot import</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>……另有 %1 项</source>
        <translation>… and %1 more</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>未保存</source>
        <translation>Not saved</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>操作未完成</source>
        <translation>Not done</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>意外错误</source>
        <translation>Unexpected error</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>程序遇到了意外错误，操作未完成。</source>
        <translation>The program met an unexpected error; the action was not completed.</translation>
    </message>
    <message>
        <location line="+44"/>
        <location line="+2"/>
        <source>放弃草稿</source>
        <translation>Discard draft</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>放弃这份草稿？已填写的内容将不再显示（审计记录中仍保留）。</source>
        <translation>Discard this draft? What was filled in will no longer be shown (the audit log keeps it).</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+17"/>
        <source>保留</source>
        <translation>Keep</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>删除酒店</source>
        <translation>Delete hotel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>删除酒店“%1”？它的草稿一并放弃；有定稿记录的酒店不能删除。</source>
        <translation>Delete the hotel &quot;%1&quot;? Its drafts are discarded with it; a hotel with finalized records cannot be deleted.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>程序遇到了意外错误,操作未完成。</source>
        <translation type="vanished">The program met an unexpected error; the action was not completed.</translation>
    </message>
</context>
<context>
    <name>photos</name>
    <message>
        <location filename="../../ui/photos/model.py" line="+180"/>
        <source>%1 房</source>
        <translation>Room %1</translation>
    </message>
    <message>
        <source>文件不存在(可能已被移动或删除)</source>
        <extracomment>Called with the literal context (&quot;photos&quot;), so that ``lupdate`` finds every string.</extracomment>
        <translation type="vanished">The file does not exist (it may have been moved or deleted)</translation>
    </message>
    <message>
        <source>无法读取该文件(没有权限或不是文件)</source>
        <translation type="vanished">The file cannot be read (no permission, or not a file)</translation>
    </message>
    <message>
        <location filename="../../ui/photos/texts.py" line="+25"/>
        <source>文件为空</source>
        <translation>The file is empty</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>文件过大</source>
        <translation>The file is too large</translation>
    </message>
    <message>
        <source>不是图片,或格式不受支持</source>
        <translation type="vanished">Not a picture, or a format that is not supported</translation>
    </message>
    <message>
        <source>无法读取 HEIC 照片:请安装 pillow-heif,或在手机上改用“兼容性最佳”格式/另存为 JPEG</source>
        <translation type="vanished">HEIC photos cannot be read: install pillow-heif, or set the phone&apos;s camera to &quot;Most Compatible&quot; / save as JPEG</translation>
    </message>
    <message>
        <source>像素过多,可能是“解压炸弹”文件;请以较低分辨率导出</source>
        <translation type="vanished">Too many pixels (possibly a &quot;decompression bomb&quot;); export it at a lower resolution</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>图片文件已损坏</source>
        <translation>The picture file is damaged</translation>
    </message>
    <message>
        <source>图片文件不完整(被截断),请重新复制</source>
        <translation type="vanished">The picture file is incomplete (cut short); copy it again</translation>
    </message>
    <message>
        <source>磁盘已满,未保存</source>
        <translation type="vanished">The disk is full; not saved</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>文件不存在（可能已被移动或删除）</source>
        <extracomment>Called with the literal context (&quot;photos&quot;), so that ``lupdate`` finds every string.</extracomment>
        <translation>The file does not exist (it may have been moved or deleted)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>无法读取该文件（没有权限或不是文件）</source>
        <translation>The file cannot be read (no permission, or not a file)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>不是图片，或格式不受支持</source>
        <translation>Not a picture, or a format that is not supported</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>无法读取 HEIC 照片：请安装 pillow-heif，或在手机上改用“兼容性最佳”格式/另存为 JPEG</source>
        <translation>HEIC photos cannot be read: install pillow-heif, or set the phone&apos;s camera to &quot;Most Compatible&quot; / save as JPEG</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>像素过多，可能是“解压炸弹”文件；请以较低分辨率导出</source>
        <translation>Too many pixels (possibly a &quot;decompression bomb&quot;); export it at a lower resolution</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>图片文件不完整（被截断），请重新复制</source>
        <translation>The picture file is incomplete (cut short); copy it again</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>磁盘已满，未保存</source>
        <translation>The disk is full; not saved</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>保存照片失败</source>
        <translation>The photo could not be saved</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>这张照片已在本次检查中</source>
        <translation>This photo is already in this inspection</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>数据库未能保存这张照片</source>
        <translation>The database could not save this photo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>已取消</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>导入失败</source>
        <translation>Import failed</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>拍摄时间早于检查开始一天以上，请确认这张照片属于本次检查。</source>
        <translation>Taken more than a day before the inspection started: confirm that the photo belongs to this inspection.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>拍摄时间晚于检查结束，请确认相机时间或照片是否属于本次检查。</source>
        <translation>Taken after the inspection ended: check the camera&apos;s clock, or whether the photo belongs to this inspection.</translation>
    </message>
    <message>
        <source>拍摄时间早于检查开始一天以上,请确认这张照片属于本次检查。</source>
        <translation type="vanished">Taken more than a day before the inspection started: confirm that the photo belongs to this inspection.</translation>
    </message>
    <message>
        <source>拍摄时间晚于检查结束,请确认相机时间或照片是否属于本次检查。</source>
        <translation type="vanished">Taken after the inspection ended: check the camera&apos;s clock, or whether the photo belongs to this inspection.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>未知</source>
        <translation>Unknown</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>无</source>
        <translation>None</translation>
    </message>
</context>
</TS>
