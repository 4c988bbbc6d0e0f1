<?cs # The door: a code field that keeps the focus (a USB scanner types the code and Enter),
       the verdict of the last scan in big words, and the count admitted of issued. Locked
       until the check-in secret is typed once. ?>
<?cs def:page_body() ?>
<?cs if:Checkin.Locked ?>
<h1>Check-in</h1>
<?cs if:Checkin.Error ?><p class="form-error" role="alert"><?cs var:Checkin.Error ?></p><?cs /if ?>
<form class="checkin-unlock" method="post" action="/admin/events/<?cs var:Event.Id ?>/checkin">
  <input type="hidden" name="csrf_token" value="<?cs var:CSRF.Token ?>">
  <div class="field"><label for="k-secret">Check-in secret of this site</label>
    <input id="k-secret" name="secret" type="password" autocomplete="off" required autofocus></div>
  <button type="submit">Open the door</button>
</form>
<?cs else ?>
<h1>Check-in · <?cs var:Event.Name ?></h1>
<p><?cs var:Event.Day ?>, <?cs var:Event.Time ?><?cs if:Event.Cancelled ?> · <strong>cancelled</strong><?cs /if ?></p>
<p class="checkin-progress" role="status"><strong><?cs var:Checkin.Admitted ?></strong> admitted of <strong><?cs var:Checkin.Issued ?></strong> tickets sold</p>
<?cs if:Checkin.Result ?>
<p class="checkin-result checkin-<?cs var:Checkin.Result ?>" role="alert" data-result="<?cs var:Checkin.Result ?>"><?cs var:Checkin.Message ?></p>
<?cs /if ?>
<form class="checkin-form" method="post" action="/admin/events/<?cs var:Event.Id ?>/checkin">
  <input type="hidden" name="csrf_token" value="<?cs var:CSRF.Token ?>">
  <div class="field"><label for="c-code">Ticket code</label>
    <input id="c-code" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="200" required autofocus></div>
  <div class="field"><label for="c-door">Door</label>
    <input id="c-door" name="door" maxlength="64" value="<?cs var:Form.Door ?>"></div>
  <button type="submit">Check in</button>
</form>
<?cs /if ?>
<?cs /def ?>
