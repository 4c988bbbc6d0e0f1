<?cs # The account page: who you are, and the forms that change it. Each asks for the
       current password. ?>
<?cs include:"account/fields.cs" ?>
<?cs def:page_body() ?>
<h1>Your account</h1>
<?cs if:Account.Note ?><p class="notice" role="status"><?cs var:Account.Note ?></p><?cs /if ?>
<dl class="account-facts">
  <dt>Name</dt><dd><?cs var:Account.Name ?></dd>
  <dt>Email</dt><dd><?cs var:Account.Email ?> <?cs if:Account.Verified ?><span class="muted">(verified)</span><?cs else ?><strong>(not verified yet)</strong><?cs /if ?></dd>
  <?cs if:Account.Role != "customer" ?><dt>Role</dt><dd><?cs var:Account.Role ?></dd><?cs /if ?>
</dl>
<p><a href="/account/bookings">My bookings</a></p>
<?cs if:!Account.Verified ?>
<form method="post" action="/account/verify-again"><?cs call:csrf() ?>
  <button type="submit" class="secondary">Send the verification link again</button></form>
<?cs /if ?>

<section aria-labelledby="pw-h"><h2 id="pw-h">Change your password</h2>
<form class="account-form" method="post" action="/account/password" novalidate>
  <?cs call:csrf() ?>
  <div class="field"><label for="a-current">Current password</label>
    <input id="a-current" name="current_password" type="password" autocomplete="current-password" maxlength="256" required>
    <?cs call:field_error("a-current", Errors.CurrentPassword) ?></div>
  <div class="field"><label for="a-new">New password <span class="muted">(at least 12 characters)</span></label>
    <input id="a-new" name="new_password" type="password" autocomplete="new-password" minlength="12" maxlength="256" required>
    <?cs call:field_error("a-new", Errors.NewPassword) ?></div>
  <button type="submit">Change password</button>
</form></section>

<section aria-labelledby="em-h"><h2 id="em-h">Change your email address</h2>
<form class="account-form" method="post" action="/account/email" novalidate>
  <?cs call:csrf() ?>
  <div class="field"><label for="a-newemail">New email address</label>
    <input id="a-newemail" name="email" type="email" autocomplete="email" maxlength="254" required value="<?cs var:Form.NewEmail ?>">
    <?cs call:field_error("a-newemail", Errors.NewEmail) ?></div>
  <div class="field"><label for="a-empw">Password</label>
    <input id="a-empw" name="password" type="password" autocomplete="current-password" maxlength="256" required>
    <?cs call:field_error("a-empw", Errors.EmailPassword) ?></div>
  <button type="submit">Send a link to the new address</button>
</form></section>

<section aria-labelledby="del-h"><h2 id="del-h">Delete your account</h2>
<p>Your name, address and password are erased, from your bookings too. The bookings themselves stay in the organizers' books, and tickets you bought stay valid.</p>
<form class="account-form" method="post" action="/account/delete" novalidate>
  <?cs call:csrf() ?>
  <div class="field"><label><input type="checkbox" name="confirm" value="yes"> Yes, delete my account</label>
    <?cs call:field_error("a-confirm", Errors.Confirm) ?></div>
  <div class="field"><label for="a-delpw">Password</label>
    <input id="a-delpw" name="password" type="password" autocomplete="current-password" maxlength="256" required>
    <?cs call:field_error("a-delpw", Errors.DeletePassword) ?></div>
  <button type="submit" class="secondary">Delete my account</button>
</form></section>
<?cs /def ?>
