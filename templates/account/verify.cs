<?cs # The mailed link opened: the account's password confirms the address, so nobody who
       created an account under someone else's address can have them verify it. ?>
<?cs include:"account/fields.cs" ?>
<?cs def:page_body() ?>
<h1>Confirm your email address</h1>
<p>To <?cs if:Verify.Change ?>change your account's address to<?cs else ?>verify<?cs /if ?> <strong><?cs var:Verify.Email ?></strong>, type your account's password.</p>
<form class="account-form" method="post" action="/account/verify/<?cs var:Verify.Token ?>" novalidate>
  <?cs call:csrf() ?>
  <div class="field"><label for="a-password">Password</label>
    <input id="a-password" name="password" type="password" autocomplete="current-password" maxlength="256" required<?cs if:Errors.Password ?> aria-invalid="true" aria-describedby="a-password-error"<?cs /if ?>>
    <?cs call:field_error("a-password", Errors.Password) ?></div>
  <button type="submit">Confirm</button>
</form>
<p class="muted">Did not ask for this? Then someone typed your address by mistake: ignore the mail and nothing happens.</p>
<?cs /def ?>
